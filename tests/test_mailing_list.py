"""End-to-end: with Email Marketing (mass_mailing) installed, a target group of
customers makes a mailing list of those with an e-mail address.

The addon's own tests run without Email Marketing (lab_crm does not depend on
it), so this path needs a database of its own: a copy of the dependencies'
database with lab_crm and mass_mailing installed; the group is built and its
button called in `odoo-bin shell`, which prints the result as JSON.
"""

import json
import os

SCRIPT = """
import json
env["res.partner"].create([
    {"name": "Maker One", "is_company": True, "customer_category": "manufacturer",
     "email": "one@maker.example.com"},
    {"name": "Maker Two", "is_company": True, "customer_category": "manufacturer",
     "email": "two@maker.example.com"},
    {"name": "Maker Without Mail", "is_company": True,
     "customer_category": "manufacturer"},
    {"name": "Maker Regulator", "is_company": True, "customer_category": "government",
     "email": "regulator@example.com"},
])
group = env["lab.target.group"].create({
    "name": "Textile makers",
    "customer_domain": "[('customer_category', '=', 'manufacturer'),"
                       " ('name', 'like', 'Maker')]",
})
action = group.action_create_mailing_list()
mailing_list = env[action["res_model"]].browse(action["res_id"])
print("RESULT " + json.dumps({
    "has_mass_mailing": group.has_mass_mailing,
    "customers": group.customer_count,
    "model": action["res_model"],
    "name": mailing_list.name,
    "emails": sorted(mailing_list.contact_ids.mapped("email")),
}))
env.cr.rollback()
"""


def test_target_group_makes_a_mailing_list(odoo, record_property):
    db = f"{os.environ['LAB_CRM_DB_PREFIX']}_mailing"
    odoo.copy_db(os.environ["LAB_CRM_BASE_DB"], db)
    try:
        install = odoo.odoo("-d", db, "-i", "lab_crm,mass_mailing", "--stop-after-init")
        record_property("install_with_mass_mailing_seconds", round(install.seconds, 1))
        install.assert_clean("installing lab_crm with Email Marketing")

        run = odoo.odoo("shell", "-d", db, "--no-http", input=SCRIPT)
        lines = [line for line in run.output.splitlines() if line.startswith("RESULT ")]
        assert run.returncode == 0 and len(lines) == 1, run.report()
        result = json.loads(lines[0].removeprefix("RESULT "))
        assert result == {
            "has_mass_mailing": True,
            "customers": 3,  # the three makers; the regulator is not one
            "model": "mailing.list",
            "name": "Textile makers",
            "emails": ["one@maker.example.com", "two@maker.example.com"],
        }
    finally:
        odoo.drop_db(db)
