"""End-to-end: a database made with an earlier main upgrades to this lab_crm,
its data kept.

Each earlier release (PREVIOUS: the last one, 19.0.1.3.0, and the one before,
19.0.1.2.0, whose settings were still global) comes out of this repository's
history with `git archive` into a temporary addons folder; odoo-bin installs it,
from that folder, into a copy of the dependencies' database (no demo data), and
`odoo-bin shell` adds what a laboratory would have entered: a customer with its
profile, a contact and a qualification, a sample with a test item, a complaint,
an answered survey, a service request and a contract, a reminder level's days
changed, a record rule edited, two settings away from their defaults, and a
segmentation run. Then this checkout's lab_crm upgrades the database (`-u
lab_crm`, the normal configuration): the upgrade succeeds and logs nothing at
WARNING level or above, and the records read back in `odoo-bin shell` (printed as
JSON) are the same as before it, the customer's segments included.
"""

import configparser
import io
import json
import os
import subprocess
import tarfile
from datetime import date

import pytest
from odoo_e2e import REPO_DIR, manifest
from test_install import file_rule_domains

MODULE = "lab_crm"
# The earlier releases, and how each kept the laboratory's settings.
PREVIOUS = {
    "19.0.1.3.0": ("9b55da8", "company"),  # main before the reports issue
    "19.0.1.2.0": ("5e2fc76", "parameter"),  # main before issue 18
}
# Settings away from their defaults (30 and 7 days).
SETTINGS = {"lab_crm.credit_hold_overdue_days": 45, "lab_crm.complaint_days_major": 5}
TAMPERED_RULE = "lab_sample_rule_lab_team"
# Where CREATE leaves each document.
STATES = {
    "lab.sample": "review",
    "lab.complaint": "investigating",
    "lab.survey": "answered",
    "lab.service.request": "in_progress",
    "lab.service.contract": "active",
}

# Run with the previous lab_crm: prints the ids of the records made, by model.
CREATE = """
import base64
import json
from datetime import date, timedelta

for key, value in SETTINGS.items():
    if SETTINGS_KEPT == "parameter":
        env["ir.config_parameter"].set_param(key, str(value))
    else:
        env.company["lab_" + key.split(".", 1)[1]] = value
manager = env["res.users"].create({
    "name": "Wang Ming", "login": "upgrade_wang",
    "group_ids": [(4, env.ref("lab_crm.group_lab_crm_user").id)],
})
customer = env["res.partner"].create({
    "name": "Shaoxing Huafang Weaving", "is_company": True,
    "customer_category": "manufacturer", "ownership_type": "private",
    "enterprise_scale": "medium", "social_credit_code": "91110108551385082Q",
    "legal_representative": "Zhang Wei", "main_products": "Cotton poplin",
    "founding_date": "2004-03-01", "importance_grade": "b",
    "acquisition_channel": "exhibition", "lifecycle_stage": "active",
    "user_id": manager.id, "is_lab_prepaid": True,
})
contact = env["res.partner"].create({
    "name": "Chen Li", "parent_id": customer.id, "email": "chen.li@example.com",
    "function": "Quality manager",
})
customer.quality_executive_id = contact
qualification = env["lab.qualification"].create({
    "partner_id": customer.id, "qualification_type": "certification",
    "name": "CQC product certification", "number": "Q12345678",
    "issuer": "China Quality Certification Centre",
    "issue_date": "2024-01-15", "expiry_date": "2027-01-14",
})
item = env["product.product"].create({
    "name": "Tensile strength", "type": "service", "is_lab_test_item": True,
    "lab_standard": "GB/T 3923.1-2013", "lab_turnaround_days": 3,
    "list_price": 200.0,
})
sample = env["lab.sample"].create({
    "partner_id": customer.id, "contact_id": contact.id,
    "sample_name": "Cotton poplin", "batch": "2606-01", "quantity": 2,
    "line_ids": [(0, 0, {"product_id": item.id})],
})
sample.action_start_review()
complaint = env["lab.complaint"].create({
    "partner_id": customer.id, "contact_id": contact.id, "sample_id": sample.id,
    "summary": "Report delivered late", "channel": "email", "category": "delay",
    "severity": "major", "received_date": date.today(),
})
complaint.action_investigate()
survey = env["lab.survey"].create({
    "partner_id": customer.id, "contact_id": contact.id, "channel": "visit",
    "score_guidance": 4, "score_accuracy": 5, "score_turnaround": 3,
    "score_resolution": 4, "score_responsiveness": 4, "score_attitude": 5,
    "score_competence": 5, "score_fees": 3, "nps": "9",
    "comments": "Quick answers on the phone.",
})
survey.action_mark_answered()
request = env["lab.service.request"].create({
    "partner_id": customer.id, "contact_id": contact.id,
    "type_id": env.ref("lab_crm.lab_service_request_type_quotation").id,
    "summary": "Quotation for a yearly formaldehyde programme", "channel": "wechat",
})
request.action_start()
contract = env["lab.service.contract"].create({
    "partner_id": customer.id, "title": "2026 framework agreement",
    "date_start": date.today(), "date_end": date.today() + timedelta(days=364),
    "discount": 10.0,
    "payment_mode": "prepaid", "prepaid_amount": 2000.0,
    "included_test_count": 4, "included_training_days": 2.0, "turnaround_days": 4,
})
contract.action_activate()
level = env.ref("lab_crm.lab_arrears_reminder_level_friendly")
level.days_overdue = 10
env.ref("lab_crm." + TAMPERED_RULE).domain_force = "[(1, '=', 1)]"
env["account.move"].create({
    "move_type": "out_invoice", "partner_id": customer.id,
    "invoice_date": date.today() - timedelta(days=30),
    "invoice_line_ids": [(0, 0, {"product_id": item.id, "price_unit": 800.0})],
}).action_post()
env["lab.segment.snapshot"]._recompute()
# A report delivered before report versions existed.
delivered = env["lab.sample"].create({
    "partner_id": customer.id, "contact_id": contact.id,
    "sample_name": "Cotton twill", "line_ids": [(0, 0, {"product_id": item.id})],
    "report_number": "R-2606-07", "report_date": date.today(),
    "report_file": base64.b64encode(REPORT_PDF), "report_filename": "R-2606-07.pdf",
})
env.cr.execute(
    "UPDATE lab_sample SET state = 'delivered' WHERE id = %s", [delivered.id]
)
env.cr.commit()
print("RESULT " + json.dumps({
    "res.partner": (customer | contact).ids,
    "lab.qualification": qualification.ids,
    "lab.sample": sample.ids,
    "lab.sample.line": sample.line_ids.ids,
    "lab.complaint": complaint.ids,
    "lab.survey": survey.ids,
    "lab.service.request": request.ids,
    "lab.service.contract": contract.ids,
    "lab.arrears.reminder.level": level.ids,
    "delivered": delivered.ids,
}))
"""

# The smallest file the report's check takes for a PDF.
REPORT_PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SEGMENTS = ["tier", "rfm_segment", "churn_level", "loyalty_type"]
# What users entered and where the workflow left it, read back by field name
# (relations as ids).
FIELDS = {
    "res.partner": [
        "name",
        "parent_id",
        "email",
        "function",
        "customer_category",
        "ownership_type",
        "enterprise_scale",
        "social_credit_code",
        "legal_representative",
        "quality_executive_id",
        "main_products",
        "founding_date",
        "importance_grade",
        "acquisition_channel",
        "lifecycle_stage",
        "user_id",
        "is_lab_prepaid",
    ],
    "lab.qualification": [
        "partner_id",
        "qualification_type",
        "name",
        "number",
        "issuer",
        "issue_date",
        "expiry_date",
    ],
    "lab.sample": [
        "name",
        "partner_id",
        "contact_id",
        "user_id",
        "sample_name",
        "batch",
        "quantity",
        "received_datetime",
        "promised_date",
        "state",
    ],
    "lab.sample.line": ["sample_id", "product_id"],
    "lab.complaint": [
        "name",
        "partner_id",
        "contact_id",
        "sample_id",
        "summary",
        "channel",
        "category",
        "severity",
        "received_date",
        "deadline",
        "user_id",
        "state",
    ],
    "lab.survey": [
        "name",
        "partner_id",
        "contact_id",
        "channel",
        "score_guidance",
        "score_accuracy",
        "score_turnaround",
        "score_resolution",
        "score_responsiveness",
        "score_attitude",
        "score_competence",
        "score_fees",
        "overall_score",
        "nps",
        "comments",
        "answered_datetime",
        "state",
    ],
    "lab.service.request": [
        "name",
        "partner_id",
        "contact_id",
        "type_id",
        "summary",
        "channel",
        "requested_datetime",
        "user_id",
        "response_deadline",
        "state",
    ],
    "lab.service.contract": [
        "name",
        "partner_id",
        "title",
        "date_start",
        "date_end",
        "discount",
        "payment_mode",
        "prepaid_amount",
        "included_test_count",
        "included_training_days",
        "turnaround_days",
        "state",
    ],
    "lab.arrears.reminder.level": ["name", "days_overdue"],
}

# Run with either lab_crm: prints the records' fields, the tampered rule's domain
# and where each setting's value is found.
READ = """
import base64
import json

result = {"records": {}, "settings": {}}
for model, ids in RECORDS.items():
    if model == "delivered":
        continue
    rows = env[model].browse(ids).exists().read(FIELDS[model], load=None)
    result["records"][model] = {
        str(row["id"]): {name: row[name] for name in FIELDS[model]} for row in rows
    }
result["rule"] = env.ref("lab_crm." + TAMPERED_RULE).domain_force
result["snapshots"] = env["lab.segment.snapshot"].search_count([])
# The delivered report: its number and file, and its versions once they exist.
import hashlib
delivered = env["lab.sample"].browse(RECORDS["delivered"]).with_context(bin_size=False)
pdf = base64.b64decode(delivered.report_file)
result["delivered"] = {
    "report": [delivered.state, delivered.report_number, pdf == REPORT_PDF],
    "versions": [
        [v.name, v.version, v.state, v.sha256 == hashlib.sha256(pdf).hexdigest(),
         len(v.verification_code_display or "")]
        for v in delivered.report_version_ids
    ] if "report_version_ids" in delivered._fields else None,
}
# The customer's latest segments, and what the customer shows of them (copies
# of their labels before 19.0.1.3.0, then a link to the latest snapshot).
[customer] = env["res.partner"].browse(RECORDS["res.partner"]).filtered("is_company")
latest = env["lab.segment.snapshot"].search(
    [("partner_id", "=", customer.id)], order="date desc, id desc", limit=1
)
result["segments"] = [latest[name] for name in SEGMENTS]
result["shown"] = [customer["lab_" + name] for name in SEGMENTS]
result["vat"] = customer.vat
companies = env["res.company"].search([])
for key in SETTINGS:
    name = key.split(".", 1)[1]
    result["settings"][key] = {
        "parameter": env["ir.config_parameter"].get_param(key),
        "companies": {
            field: companies.mapped(field)
            for field in companies._fields
            if field.endswith(name)
        },
    }
print("RESULT " + json.dumps(result, default=str))
env.cr.rollback()
"""


def previous_addons_path(odoo, folder, commit):
    """The configuration's addons path with the lab_crm of commit, extracted from
    the repository's history into folder, in place of this checkout's."""
    archive = subprocess.run(
        ["git", "-C", str(REPO_DIR), "archive", commit, MODULE],
        capture_output=True,
        check=False,
    )
    assert archive.returncode == 0, (
        f"git archive {commit} failed (a clone with main's history is needed):\n"
        f"{archive.stderr.decode(errors='replace')}"
    )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    conf = configparser.ConfigParser(interpolation=None)
    conf.read(odoo.odoo_conf)
    paths = conf["options"]["addons_path"].split(",")
    here = os.path.realpath(REPO_DIR)
    replaced = [
        str(folder) if os.path.realpath(path.strip()) == here else path
        for path in paths
    ]
    assert replaced != paths, f"{REPO_DIR} is not in the addons path {paths}"
    return ",".join(replaced)


def shell(odoo, db, script, *options, kept="company"):
    """Runs script in `odoo-bin shell` with the names it needs (``kept``: where
    the release that runs it keeps the settings), and returns the JSON object it
    printed on its RESULT line."""
    names = {
        "SETTINGS": SETTINGS,
        "SETTINGS_KEPT": kept,
        "TAMPERED_RULE": TAMPERED_RULE,
        "FIELDS": FIELDS,
        "SEGMENTS": SEGMENTS,
        "REPORT_PDF": REPORT_PDF,
    }
    prelude = "".join(f"{name} = {value!r}\n" for name, value in names.items())
    run = odoo.odoo("shell", "-d", db, "--no-http", *options, input=prelude + script)
    lines = [line for line in run.output.splitlines() if line.startswith("RESULT ")]
    assert run.returncode == 0 and len(lines) == 1, run.report()
    return json.loads(lines[0].removeprefix("RESULT "))


def read_back(odoo, db, records, *options, kept="company"):
    return shell(odoo, db, f"RECORDS = {records!r}\n{READ}", *options, kept=kept)


def module_version(odoo, db):
    [(version,)] = odoo.query(
        db, "SELECT latest_version FROM ir_module_module WHERE name = %s", [MODULE]
    )
    return version


def one(records, model):
    [values] = records[model].values()
    return values


@pytest.mark.parametrize("version", PREVIOUS)
def test_upgrade_from_an_earlier_main(odoo, tmp_path, record_property, version):
    commit, kept = PREVIOUS[version]
    previous = previous_addons_path(odoo, tmp_path, commit)
    db = f"{os.environ['LAB_CRM_DB_PREFIX']}_previous"
    odoo.copy_db(os.environ["LAB_CRM_BASE_DB"], db)
    try:
        odoo.odoo(
            "-d", db, "-i", MODULE, "--stop-after-init", f"--addons-path={previous}"
        ).assert_clean(f"installing lab_crm {version} ({commit})")
        assert module_version(odoo, db) == version
        records = shell(odoo, db, CREATE, f"--addons-path={previous}", kept=kept)
        before = read_back(odoo, db, records, f"--addons-path={previous}", kept=kept)
        # What the earlier version made of them, as entered.
        assert {model: len(rows) for model, rows in before["records"].items()} == {
            model: len(ids) for model, ids in records.items() if model != "delivered"
        }
        complaint = one(before["records"], "lab.complaint")
        deadline_days = (
            date.fromisoformat(complaint["deadline"])
            - date.fromisoformat(complaint["received_date"])
        ).days
        assert deadline_days == SETTINGS["lab_crm.complaint_days_major"]
        states = {model: one(before["records"], model)["state"] for model in STATES}
        assert states == STATES
        assert (
            one(before["records"], "lab.arrears.reminder.level")["days_overdue"] == 10
        )
        assert before["rule"] == "[(1, '=', 1)]"
        # The run segmented the customer (its only invoice makes it tier A) and
        # the company without a customer category (a snapshot each).
        assert before["segments"][0] == "A"
        assert before["snapshots"] >= 1
        for key, value in SETTINGS.items():
            if kept == "parameter":
                assert before["settings"][key]["parameter"] == str(value)
            else:
                field = "lab_" + key.split(".", 1)[1]
                assert value in before["settings"][key]["companies"][field]

        upgrade = odoo.odoo("-d", db, "-u", MODULE, "--stop-after-init")
        record_property(f"upgrade_from_{version}_seconds", round(upgrade.seconds, 1))
        upgrade.assert_clean(f"upgrading lab_crm from {version}")
        assert module_version(odoo, db) == manifest()["version"]

        after = read_back(odoo, db, records)
        assert after["records"] == before["records"]
        assert after["snapshots"] == before["snapshots"]
        assert after["segments"] == before["segments"]
        assert after["shown"] == after["segments"]
        # One taxpayer ID: the credit code entered is now the customer's vat too.
        assert (before["vat"], after["vat"]) == (False, "91110108551385082Q")
        # The report delivered before versions existed: unchanged, and now its
        # first version, valid, with the file's hash and a verification code
        # (16 characters in four groups: 19).
        assert before["delivered"]["report"] == ["delivered", "R-2606-07", True]
        assert after["delivered"]["report"] == before["delivered"]["report"]
        assert after["delivered"]["versions"] == [["R-2606-07", 1, "valid", True, 19]]
        # The rules are the files' again (they are no longer noupdate).
        assert " ".join(after["rule"].split()) == file_rule_domains()[TAMPERED_RULE]
        # The settings keep their values: the company's field (lab_ and the
        # parameter's name) holds it, and no global parameter is left.
        for key, value in SETTINGS.items():
            found = after["settings"][key]
            field = "lab_" + key.split(".", 1)[1]
            values = found["companies"].get(field)
            assert values and value in values, (
                f"{key}: {value} is lost after the upgrade ({found})"
            )
            if kept == "parameter":
                assert values == [value] * len(values), found
            assert not found["parameter"], f"{key} is left behind ({found})"
        # The customers' link to their segments is no longer a column.
        assert not odoo.query(
            db,
            """SELECT 1 FROM information_schema.columns
                WHERE table_name = 'res_partner'
                  AND column_name = 'lab_segment_snapshot_id'""",
        )
    finally:
        odoo.drop_db(db)
