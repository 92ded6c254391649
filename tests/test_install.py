"""End-to-end: lab_crm installs, upgrades and uninstalls cleanly in a real Odoo.

Odoo runs as a subprocess (odoo-bin), the databases are read with psycopg2; see
odoo_e2e.py. The databases are named after LAB_CRM_DB_PREFIX, so scripts/test.sh
drops them even when a test dies before its own clean-up. An Odoo run "succeeds"
when it exits with 0 and logs nothing at WARNING level or above.
"""

import os
import re
import xml.etree.ElementTree as ET

import pytest
import requests
from odoo_e2e import ADDON_DIR, OdooServer, manifest

MODULE = "lab_crm"
LAB_MODELS = {
    "lab.qualification",
    "lab.partner.change",
    "lab.key.person",
    "lab.handover.wizard",
    "lab.sample",
    "lab.sample.line",
    "lab.complaint",
    "lab.survey",
    "lab.survey.campaign",
    "lab.customer.risk",
    "lab.service.request",
    "lab.service.request.type",
    "lab.service.contract",
    "lab.training.session",
}
# Tables of the models whose _table is not their name with "_" for ".".
TABLES = {
    "ir.actions.act_window": "ir_act_window",
    "ir.actions.act_window.view": "ir_act_window_view",
    "ir.actions.act_url": "ir_act_url",
    "ir.actions.client": "ir_act_client",
    "ir.actions.report": "ir_act_report_xml",
    "ir.actions.server": "ir_act_server",
}


@pytest.fixture
def new_db(odoo):
    """Names of databases to drop (with their filestore) after the test."""
    names = []

    def name(suffix):
        dbname = f"{os.environ['LAB_CRM_DB_PREFIX']}_{suffix}"
        odoo.drop_db(dbname)
        names.append(dbname)
        return dbname

    yield name
    for dbname in names:
        odoo.drop_db(dbname)


def table_of(model):
    return TABLES.get(model, model.replace(".", "_"))


def existing_tables(odoo, db, tables):
    rows = odoo.query(
        db,
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = 'public' AND table_name = ANY(%s)",
        [sorted(tables)],
    )
    return {table for (table,) in rows}


def existing_columns(odoo, db, columns):
    rows = odoo.query(
        db,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'public' AND table_name || '.' || column_name = ANY(%s)",
        [sorted(f"{table}.{column}" for table, column in columns)],
    )
    return set(rows)


def existing_constraints(odoo, db, names=None):
    """The constraints and indexes of lab_crm (ir_model_constraint) that exist in
    PostgreSQL, among names when given."""
    rows = odoo.query(
        db,
        """
        SELECT c.name FROM ir_model_constraint c
          JOIN ir_module_module m ON m.id = c.module
         WHERE m.name = %s
        """,
        [MODULE],
    )
    candidates = {name for (name,) in rows} if names is None else set(names)
    found = odoo.query(
        db,
        """
        SELECT conname FROM pg_constraint WHERE conname = ANY(%(names)s)
         UNION
        SELECT relname FROM pg_class WHERE relkind = 'i' AND relname = ANY(%(names)s)
        """,
        {"names": sorted(candidates)},
    )
    return {name for (name,) in found}


def module_state(odoo, db):
    rows = odoo.query(
        db, "SELECT state, demo FROM ir_module_module WHERE name = %s", [MODULE]
    )
    return rows[0] if rows else (None, None)


def lab_crm_footprint(odoo, db):
    """What lab_crm owns in db: the records only its xmlids point to, grouped by
    model, and the tables and columns of its models and fields."""
    owned = {}
    for model, res_id in odoo.query(
        db,
        """
        SELECT d.model, d.res_id FROM ir_model_data d
         WHERE d.module = %(module)s
           AND NOT EXISTS (SELECT 1 FROM ir_model_data o
                            WHERE o.model = d.model AND o.res_id = d.res_id
                              AND o.module != %(module)s)
        """,
        {"module": MODULE},
    ):
        owned.setdefault(model, set()).add(res_id)
    models = {
        model
        for (model,) in odoo.query(
            db,
            "SELECT model FROM ir_model WHERE id = ANY(%s)",
            [sorted(owned.get("ir.model", ()))],
        )
    }
    fields = odoo.query(
        db,
        "SELECT model, name, relation_table FROM ir_model_fields"
        " WHERE id = ANY(%s) AND store",
        [sorted(owned.get("ir.model.fields", ()))],
    )
    relations = {
        name
        for (name,) in odoo.query(
            db,
            "SELECT r.name FROM ir_model_relation r"
            " JOIN ir_module_module m ON m.id = r.module WHERE m.name = %s",
            [MODULE],
        )
    }
    tables = existing_tables(
        odoo,
        db,
        {table_of(model) for model in models}
        | relations
        | {rel for _model, _name, rel in fields if rel},
    )
    columns = existing_columns(
        odoo,
        db,
        {
            (table_of(model), name)
            for model, name, _rel in fields
            if model not in models
        },
    )
    return owned, models, tables, columns


def test_install_upgrade_uninstall(odoo, new_db, record_property):
    db = new_db("install")
    odoo.copy_db(os.environ["LAB_CRM_BASE_DB"], db)

    install = odoo.odoo("-d", db, "-i", MODULE, "--stop-after-init")
    record_property("install_seconds", round(install.seconds, 1))
    record_property("lab_crm_load_seconds", install.module_seconds(MODULE))
    install.assert_clean("installing lab_crm")
    assert module_state(odoo, db)[0] == "installed"
    installed_models = {
        model
        for (model,) in odoo.query(
            db, "SELECT model FROM ir_model WHERE model = ANY(%s)", [sorted(LAB_MODELS)]
        )
    }
    assert installed_models == LAB_MODELS

    upgrade = odoo.odoo("-d", db, "-u", MODULE, "--stop-after-init")
    record_property("upgrade_seconds", round(upgrade.seconds, 1))
    upgrade.assert_clean("upgrading lab_crm")
    assert module_state(odoo, db)[0] == "installed"

    owned, models, tables, columns = lab_crm_footprint(odoo, db)
    constraints = existing_constraints(odoo, db)
    # What lab_crm must own; if these fail, the footprint query is wrong.
    assert LAB_MODELS <= models
    assert {table_of(model) for model in LAB_MODELS} <= tables
    assert ("res_partner", "social_credit_code") in columns
    assert owned.get("ir.ui.menu")

    uninstall = odoo.odoo("module", "uninstall", "-d", db, MODULE)
    record_property("uninstall_seconds", round(uninstall.seconds, 1))
    uninstall.assert_clean("uninstalling lab_crm")

    assert module_state(odoo, db)[0] == "uninstalled"
    assert not odoo.query(
        db, "SELECT name, model FROM ir_model_data WHERE module = %s", [MODULE]
    )
    assert not odoo.query(
        db, "SELECT model FROM ir_model WHERE model LIKE %s", ["lab.%"]
    )
    assert not odoo.query(
        db, "SELECT model, name FROM ir_model_fields WHERE model LIKE %s", ["lab.%"]
    )
    assert not odoo.query(
        db,
        "SELECT id FROM ir_ui_menu WHERE id = ANY(%s)",
        [sorted(owned["ir.ui.menu"])],
    )
    assert not existing_tables(odoo, db, tables), "tables of lab_crm left"
    assert not existing_columns(odoo, db, columns), "columns of lab_crm left"
    assert not odoo.query(
        db,
        "SELECT r.name FROM ir_model_relation r"
        " JOIN ir_module_module m ON m.id = r.module WHERE m.name = %s",
        [MODULE],
    ), "ir_model_relation rows of lab_crm left"
    # Odoo keeps the ir_model_constraint rows of foreign keys (they have no xmlid)
    # while the keys go with their columns: what must be gone is in PostgreSQL.
    assert not existing_constraints(odoo, db, constraints), "constraints left"
    left = {}
    for model, ids in owned.items():
        table = table_of(model)
        if model in models:
            continue  # records of lab_crm's own models: their table is gone
        assert existing_tables(odoo, db, {table}), (
            f"no table {table} for model {model}: add it to TABLES"
        )
        rows = odoo.query(
            db, f'SELECT id FROM "{table}" WHERE id = ANY(%s)', [sorted(ids)]
        )
        if rows:
            left[model] = sorted(row[0] for row in rows)
    assert not left, f"records once owned by lab_crm left after uninstall: {left}"


def demo_xmlids():
    """The xmlids (without module) of the records of lab_crm's demo files."""
    xmlids = set()
    for path in manifest().get("demo", []):
        for node in ET.parse(ADDON_DIR / path).getroot().iter("record"):
            xmlid = node.get("id")
            if "." not in xmlid:
                xmlids.add(xmlid)
            elif xmlid.startswith(f"{MODULE}."):
                xmlids.add(xmlid.split(".", 1)[1])
    return xmlids


def test_install_with_demo_data(odoo, new_db, record_property, tmp_path):
    """A fresh database (no template) made as `make run` makes it
    (scripts/common.sh, create_demo_db): lab_crm and its dependencies with their
    demo data, a Chinese laboratory."""
    expected = demo_xmlids()
    assert expected, "lab_crm declares no demo record"
    db = new_db("demo")

    install = odoo.create_demo_db(db)
    record_property("install_with_demo_seconds", round(install.seconds, 1))
    record_property("lab_crm_load_seconds", install.module_seconds(MODULE))
    install.assert_clean("making the demo database")
    assert module_state(odoo, db) == ("installed", True)

    loaded = {}
    for name, model, res_id in odoo.query(
        db,
        "SELECT name, model, res_id FROM ir_model_data"
        " WHERE module = %s AND name = ANY(%s)",
        [MODULE, sorted(expected)],
    ):
        loaded.setdefault(model, {})[res_id] = name
    assert set().union(*(names.values() for names in loaded.values())) == expected
    for model, names in loaded.items():
        found = {
            res_id
            for (res_id,) in odoo.query(
                db,
                f'SELECT id FROM "{table_of(model)}" WHERE id = ANY(%s)',
                [sorted(names)],
            )
        }
        assert found == set(names), f"{model} demo records missing"
    assert_chinese_laboratory(odoo, db)
    assert_portal_login(odoo, db, tmp_path)


def assert_chinese_laboratory(odoo, db):
    """The demo's company: in China, in CNY, on Odoo's Chinese chart; Simplified
    Chinese loaded, the demo users in Chinese, admin in English."""
    [(country, currency, chart)] = odoo.query(
        db,
        """
        SELECT country.code, currency.name, company.chart_template
          FROM res_company company
          JOIN ir_model_data imd ON imd.res_id = company.id
           AND imd.module = 'base' AND imd.name = 'main_company'
          JOIN res_partner partner ON partner.id = company.partner_id
          JOIN res_country country ON country.id = partner.country_id
          JOIN res_currency currency ON currency.id = company.currency_id
        """,
    )
    assert (country, currency, chart) == ("CN", "CNY", "cn")
    assert odoo.query(
        db, "SELECT state FROM ir_module_module WHERE name = 'l10n_cn'"
    ) == [("installed",)]
    assert odoo.query(db, "SELECT active FROM res_lang WHERE code = 'zh_CN'") == [
        (True,)
    ]
    langs = dict(
        odoo.query(
            db,
            "SELECT u.login, p.lang FROM res_users u"
            " JOIN res_partner p ON p.id = u.partner_id WHERE u.login = ANY(%s)",
            [["admin", "lab_wang", "lab_li", "lab_zhang", "lab_chen", "lab_portal"]],
        )
    )
    assert langs == {
        "admin": "en_US",
        **dict.fromkeys(
            ["lab_wang", "lab_li", "lab_zhang", "lab_chen", "lab_portal"], "zh_CN"
        ),
    }


def assert_portal_login(odoo, db, tmp_path):
    """The README's portal login (lab_portal / lab_portal), on an English login
    page: the customer's samples in Chinese, its complaints, a survey to answer
    and its invoices with their fapiao details."""
    [(customer_id,)] = odoo.query(
        db,
        "SELECT p.commercial_partner_id FROM res_users u"
        " JOIN res_partner p ON p.id = u.partner_id WHERE u.login = 'lab_portal'",
    )
    server = OdooServer(odoo, db, tmp_path / "odoo.log", [])
    server.start()
    try:
        session = requests.Session()
        # As the pages before the login leave it (the server's replaces it).
        session.cookies.set("frontend_lang", "en_US", domain="127.0.0.1", path="/")
        login = session.get(f"{server.url}/web/login", timeout=30)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        session.post(
            f"{server.url}/web/login",
            data={"login": "lab_portal", "password": "lab_portal", "csrf_token": csrf},
            timeout=60,
        )
        pages = {
            path: session.get(f"{server.url}{path}", timeout=60)
            for path in ("/my/samples", "/my/complaints", "/my/surveys", "/my/invoices")
        }
    finally:
        server.stop()
    assert all(page.status_code == 200 for page in pages.values())
    assert "送检样品" in pages["/my/samples"].text  # "Samples" in zh_CN.po
    newest = {  # the first line of each list
        "/my/samples": "SELECT name FROM lab_sample WHERE partner_id = %s"
        " AND state != 'requested' ORDER BY received_datetime DESC, id DESC",
        "/my/complaints": "SELECT name FROM lab_complaint WHERE partner_id = %s"
        " ORDER BY received_date DESC, id DESC",
        "/my/surveys": "SELECT name FROM lab_survey WHERE partner_id = %s"
        " AND state = 'sent' ORDER BY id DESC",
        "/my/invoices": "SELECT name FROM account_move WHERE partner_id = %s"
        " AND move_type = 'out_invoice' AND state = 'posted'"
        " ORDER BY invoice_date DESC, id DESC",
    }
    for path, query in newest.items():
        [name] = odoo.query(db, f"{query} LIMIT 1", [customer_id])[0]
        assert name in pages[path].text, f"{name} not in {path}"


SECURITY_FILES = (
    "security/lab_crm_security.xml",
    "security/lab_crm_portal_security.xml",
)


def file_rule_domains():
    """xmlid (without module): domain_force of each record rule in lab_crm's
    security files, whitespace normalised."""
    domains = {}
    for path in SECURITY_FILES:
        for node in ET.parse(ADDON_DIR / path).getroot().iter("record"):
            if node.get("model") != "ir.rule":
                continue
            domain = node.find("field[@name='domain_force']")
            domains[node.get("id")] = " ".join(domain.text.split())
    return domains


def test_upgrade_rewrites_the_record_rules(odoo, new_db):
    """A database of the previous version (its rules installed as noupdate, one
    of them since edited) gets each rule's domain from the files on upgrade:
    corrected rules reach existing databases."""
    expected = file_rule_domains()
    assert {"lab_sample_rule_lab_team", "lab_survey_rule_portal"} <= set(expected)
    db = new_db("rules")
    odoo.copy_db(os.environ["LAB_CRM_BASE_DB"], db)
    odoo.odoo("-d", db, "-i", MODULE, "--stop-after-init").assert_clean(
        "installing lab_crm"
    )

    # As version 19.0.1.2.0 left it: its rules were noupdate. Two are tampered
    # with, one of each file.
    odoo.query(
        db,
        "UPDATE ir_module_module SET latest_version = %s WHERE name = %s RETURNING id",
        ["19.0.1.2.0", MODULE],
    )
    odoo.query(
        db,
        "UPDATE ir_model_data SET noupdate = TRUE"
        " WHERE module = %s AND model = 'ir.rule' RETURNING id",
        [MODULE],
    )
    tampered = odoo.query(
        db,
        "UPDATE ir_rule SET domain_force = %s WHERE id IN ("
        "  SELECT res_id FROM ir_model_data"
        "   WHERE module = %s AND model = 'ir.rule' AND name = ANY(%s))"
        " RETURNING id",
        [
            "[(1, '=', 1)]",
            MODULE,
            ["lab_sample_rule_lab_team", "lab_survey_rule_portal"],
        ],
    )
    assert len(tampered) == 2

    odoo.odoo("-d", db, "-u", MODULE, "--stop-after-init").assert_clean(
        "upgrading lab_crm"
    )
    [(version,)] = odoo.query(
        db, "SELECT latest_version FROM ir_module_module WHERE name = %s", [MODULE]
    )
    assert version == manifest()["version"]
    found = {
        name: " ".join(domain.split())
        for name, domain in odoo.query(
            db,
            "SELECT d.name, r.domain_force FROM ir_model_data d"
            " JOIN ir_rule r ON r.id = d.res_id"
            " WHERE d.module = %s AND d.model = 'ir.rule'",
            [MODULE],
        )
    }
    assert found == expected
    assert not odoo.query(
        db,
        "SELECT name FROM ir_model_data"
        " WHERE module = %s AND model = 'ir.rule' AND noupdate",
        [MODULE],
    ), "rules left noupdate: the next upgrade would not rewrite them"


# As 19.0.1.2.0 left a database: the settings were configuration parameters, the
# same for every company. A second company is made.
GLOBAL_SETTINGS_SCRIPT = """
env["res.company"].create({"name": "Second Laboratory"})
params = env["ir.config_parameter"]
params.set_param("lab_crm.credit_hold_overdue_days", "45")
params.set_param("lab_crm.complaint_days_major", "5")
env.cr.execute(
    "UPDATE ir_module_module SET latest_version = '19.0.1.2.0'"
    " WHERE name = 'lab_crm'"
)
env.cr.commit()
print("RESULT done")
"""


def test_upgrade_gives_every_company_the_global_settings(odoo, new_db):
    """The settings that were one set for the database (configuration parameters)
    become each company's on upgrade: every company carries the values set, the
    defaults where none was, and the parameters are gone."""
    db = new_db("settings")
    odoo.copy_db(os.environ["LAB_CRM_BASE_DB"], db)
    odoo.odoo("-d", db, "-i", MODULE, "--stop-after-init").assert_clean(
        "installing lab_crm"
    )
    run = odoo.odoo("shell", "-d", db, "--no-http", input=GLOBAL_SETTINGS_SCRIPT)
    assert run.returncode == 0 and "RESULT done" in run.output, run.report()

    odoo.odoo("-d", db, "-u", MODULE, "--stop-after-init").assert_clean(
        "upgrading lab_crm"
    )
    companies = odoo.query(
        db,
        "SELECT name, lab_credit_hold_overdue_days, lab_complaint_days_major,"
        " lab_complaint_days_minor FROM res_company ORDER BY id",
    )
    assert len(companies) == 2
    for name, hold_days, major_days, minor_days in companies:
        assert (hold_days, major_days) == (45, 5), name
        assert minor_days == 15, f"{name}: the default, no parameter was set"
    assert not odoo.query(
        db,
        "SELECT key FROM ir_config_parameter WHERE key = ANY(%s)",
        [["lab_crm.credit_hold_overdue_days", "lab_crm.complaint_days_major"]],
    ), "the parameters are gone"
