"""End-to-end: Odoo's own tests of CRM leads, sale orders, invoicing from sales,
invoice onchanges and the customer portal pass with lab_crm installed.

A laboratory installs lab_crm into the Odoo its sales and accounting already run
on: lab_crm must not change what Odoo promises its other users. A copy of the
dependencies' database gets lab_crm, then odoo-bin runs Odoo's suites on it
(`--test-tags`, post-install tests of the installed modules) with its HTTP server
on a free port for the portal's HTTP and browser tests. Any failure or error
fails this test, with Odoo's report of it.
"""

import os
import re

from odoo_e2e import free_port

SUITES = [
    "/crm:TestCRMLead",
    "/sale:TestSaleOrder",
    "/sale:TestSaleToInvoice",
    "/account:TestAccountMoveOutInvoiceOnchanges",
    # portal's post-install tests. Its at-install ones run while portal loads,
    # before the modules that depend on it (account's NOT NULL autopost_bills
    # column is already in the table, not yet in the registry): they fail on any
    # database with Invoicing, lab_crm or not.
    "post_install/portal",
    # sale's portal: access to orders, the signature and payment of a quotation
    "/sale:TestAccessRightsControllers",
    "/sale:TestSalesControllers",
    "/sale:TestSaleSignature",
    "/sale:TestSalePayment",
]
# Left out, by name, for want of what it needs: it switches a customer to French
# and expects the invoice's terms in French, but the Odoo tree lab_crm runs
# against carries the Chinese translations only (README, "Two commands").
NEEDS_OTHER_LANGUAGES = [
    "/account:TestAccountMoveOutInvoiceOnchanges"
    ".test_narration_translation_on_partner_language_change",
]
# odoo.tests.result: "0 failed, 0 error(s) of 175 tests when loading database ..."
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")


def test_odoo_suites_pass_with_lab_crm(odoo, record_property):
    db = f"{os.environ['LAB_CRM_DB_PREFIX']}_suites"
    odoo.copy_db(os.environ["LAB_CRM_BASE_DB"], db)
    try:
        install = odoo.odoo("-d", db, "-i", "lab_crm", "--stop-after-init")
        install.assert_clean("installing lab_crm")
        tags = ",".join(SUITES + [f"-{name}" for name in NEEDS_OTHER_LANGUAGES])
        run = odoo.odoo(
            "-d",
            db,
            "--test-tags",
            tags,
            "--stop-after-init",
            "--http-interface=127.0.0.1",
            f"--http-port={free_port()}",
            "--log-level=test",
        )
        record_property("odoo_suites_seconds", round(run.seconds, 1))
        found = RESULT.findall(run.output)
        failures = [
            line
            for line in run.output.splitlines()
            if re.search(r" (ERROR|CRITICAL) .*(FAIL|ERROR): ", line)
        ]
        assert found, f"no test report in Odoo's log\n{run.report()}"
        failed, errors, total = (int(n) for n in found[-1])
        record_property("odoo_suites_tests", total)
        assert run.returncode == 0 and (failed, errors) == (0, 0), (
            f"{failed} failed, {errors} errors of {total} tests of Odoo's own:\n"
            + "\n".join(failures)
            + f"\n{run.report(tail=200)}"
        )
        # The suites ran, not an empty selection: each of them has tests.
        assert total > 150, run.report()
    finally:
        odoo.drop_db(db)
