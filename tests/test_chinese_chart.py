"""End-to-end: lab_crm on a database whose company uses Odoo's Chinese chart of
accounts (l10n_cn), not only on the generic chart the other tests use.

A fresh database with its company in China (`odoo-bin db init --country CN`):
installing lab_crm brings Invoicing and, for a company in China, l10n_cn and its
chart, in CNY. Then lab_crm's key tests run there in a pytest of their own, the
fixtures' accounting companies in China too (LAB_CRM_TEST_COUNTRY, read by
lab_crm/tests/sample_common.py): taxpayer id and fapiao (a sample to its order
and invoice, the invoice's snapshot, the export with its taxes), credit codes,
and arrears. About 3 minutes, most of it installing.
"""

import os
import subprocess
import sys

from odoo_e2e import REPO_DIR

KEY_TESTS = (
    "lab_crm/tests/test_fapiao.py",
    "lab_crm/tests/test_credit_code.py",
    "lab_crm/tests/test_arrears.py",
)


def test_lab_crm_on_the_chinese_chart(odoo, record_property):
    db = f"{os.environ['LAB_CRM_DB_PREFIX']}_cn"
    odoo.drop_db(db)
    try:
        init = odoo.odoo("db", "init", db, "--country", "CN")
        assert init.returncode == 0, init.report()
        install = odoo.odoo("-d", db, "-i", "lab_crm", "--stop-after-init")
        record_property("install_on_chinese_chart_seconds", round(install.seconds, 1))
        install.assert_clean("installing lab_crm on a company in China")
        [(currency, chart)] = odoo.query(
            db,
            "SELECT currency.name, company.chart_template FROM res_company company"
            " JOIN res_currency currency ON currency.id = company.currency_id"
            " WHERE company.id = 1",
        )
        assert (currency, chart) == ("CNY", "cn")
        assert odoo.query(
            db, "SELECT state FROM ir_module_module WHERE name = 'l10n_cn'"
        ) == [("installed",)]

        tests = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "-q",
                f"--odoo-config={odoo.odoo_conf}",
                f"--odoo-database={db}",
                *KEY_TESTS,
            ],
            cwd=REPO_DIR,
            env={**os.environ, "LAB_CRM_TEST_COUNTRY": "CN"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=1200,
            check=False,
        )
        assert tests.returncode == 0, tests.stdout[-6000:]
    finally:
        odoo.drop_db(db)
