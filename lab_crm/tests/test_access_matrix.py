"""Who may read, write, create and delete what: every role × every lab_crm model.

Customer A has ``user_team`` as account manager and the sensitive-profile user as
technical advisor; ``portal_a`` is a contact of A, ``portal_b`` of customer B.
Each model has one record of customer A; every role tries the four operations on
it through the ORM, and each cell is compared with the table below, allowed and
denied alike. Nothing a try changes is kept (each runs in a savepoint).
"""

import contextlib
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .sample_common import LabSampleCommon

ROLES = (
    "public",
    "portal_a",
    "portal_b",
    "user_team",
    "user_other",
    "sensitive",
    "all_customers",
    "manager",
    "accountant",
)

# r(ead), w(rite), c(reate), u(nlink) of customer A's record ("-": nothing), per
# role in the order of ROLES. Written from the access policy (README, "Roles"),
# not read back from the access rights. Customers themselves keep Odoo's rights
# on contacts: salespeople (every Lab CRM user) create and edit them, nobody
# deletes them (they are archived), an invoicing user without "Contact
# Creation" reads them. A reminder's lines state what the customer was told:
# accountants add an invoice to a draft and remove one, nobody edits a line.
EXPECTED = {
    # model                       pub  p_a  p_b  team othr sens all  mgr  acct
    "res.partner":                "-    r    -    rwc  -    rwc  rwc  rwc  r",
    "lab.sample":                 "-    r    -    rwc  -    rwc  rwc  rwcu -",
    "lab.sample.line":            "-    r    -    rwcu -    rwcu rwcu rwcu -",
    "lab.complaint":              "-    r    -    rwc  -    rwc  rwc  rwcu -",
    "lab.survey":                 "-    r    -    rwc  -    rwc  rwc  rwcu -",
    "lab.survey.campaign":        "-    -    -    r    r    r    r    rwcu -",
    "lab.qualification":          "-    -    -    rwc  -    rwc  rwc  rwcu -",
    "lab.partner.change":         "-    -    -    rc   -    rc   rc   rwcu -",
    "lab.key.person":             "-    -    -    -    -    rwcu -    -    -",
    "lab.service.request":        "-    -    -    rwc  -    rwc  rwc  rwcu -",
    "lab.service.request.type":   "-    -    -    r    r    r    r    rwcu -",
    "lab.service.contract":       "-    -    -    rwc  -    rwc  rwc  rwcu -",
    "lab.training.session":       "-    -    -    rwc  rwc  rwc  rwc  rwcu -",
    "lab.segment.snapshot":       "-    -    -    r    -    r    r    ru   -",
    "lab.model.check":            "-    -    -    -    -    -    -    ru   -",
    "lab.model.check.line":       "-    -    -    -    -    -    -    r    -",
    "lab.service.quality":        "-    -    -    r    -    r    r    r    -",
    "lab.arrears.customer":       "-    -    -    -    -    -    -    r    r",
    "lab.arrears.line":           "-    -    -    -    -    -    -    r    r",
    "lab.arrears.reminder":       "-    -    -    -    -    -    -    r    rwcu",
    "lab.arrears.reminder.line":  "-    -    -    -    -    -    -    r    rcu",
    "lab.arrears.reminder.level": "-    -    -    -    -    -    -    r    r",
    "lab.customer.risk":          "-    -    -    -    -    -    -    r    r",
    "lab.staff.kpi":              "-    -    -    -    -    -    -    r    -",
    "lab.competitor":             "-    -    -    r    r    r    r    rwcu -",
    "lab.target.group":           "-    -    -    r    r    r    r    rwcu -",
    "lab.accreditation":          "-    r    r    r    r    r    r    rwcu r",
    # Written by the report's workflow only (issue, amend, withdraw, portal).
    "lab.report.version":         "-    -    -    r    -    r    r    r    -",
    "lab.report.delivery":        "-    -    -    r    -    r    r    r    -",
    "lab.report.verification":    "-    -    -    -    -    -    -    r    -",
    "lab.assessment":             "-    -    -    -    -    -    -    rwcu -",
    "lab.assessment.line":        "-    -    -    -    -    -    -    rwcu -",
    "lab.assessment.result":      "-    -    -    -    -    -    -    rwcu -",
    "lab.assessment.element":     "-    -    -    -    -    -    -    rwcu -",
    "lab.assessment.criterion":   "-    -    -    -    -    -    -    rwcu -",
    "lab.assessment.benchmark":   "-    -    -    -    -    -    -    rwcu -",
    "lab.assessment.benchmark.line": "-  -    -    -    -    -    -    rwcu -",
}  # fmt: skip

# SQL reports: their rows come from other records, so they cannot be moved to
# another company by hand; the multi-company test checks their rule instead.
SQL_REPORTS = {
    "lab.arrears.customer",
    "lab.arrears.line",
    "lab.service.quality",
    "lab.staff.kpi",
}


class _Undo(Exception):
    """Raised to roll back a try that succeeded."""


class AccessMatrixCommon(LabSampleCommon):
    """The roles of ``ROLES`` and one record of customer A per model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company

        def user(login, groups):
            return new_test_user(
                cls.env, login=login, groups=groups, company_id=company.id
            )

        cls.users = {
            "public": cls.env.ref("base.public_user"),
            "portal_a": user("portal_a", "base.group_portal"),
            "portal_b": user("portal_b", "base.group_portal"),
            "user_team": user("user_team", "lab_crm.group_lab_crm_user"),
            "user_other": user("user_other", "lab_crm.group_lab_crm_user"),
            "sensitive": user("sensitive", "lab_crm.group_lab_crm_sensitive"),
            "all_customers": user("all_customers", "lab_crm.group_lab_crm_all"),
            "manager": user("manager", "lab_crm.group_lab_crm_manager"),
            "accountant": user("accountant", "account.group_account_invoice"),
        }
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {
                "name": "Customer A",
                "is_company": True,
                "lifecycle_stage": "active",
                "user_id": cls.users["user_team"].id,
                "technical_advisor_id": cls.users["sensitive"].id,
            }
        )
        cls.customer_b = Partner.create(
            {
                "name": "Customer B",
                "is_company": True,
                "lifecycle_stage": "active",
                "user_id": cls.users["manager"].id,
            }
        )
        cls.users["portal_a"].partner_id.parent_id = cls.customer_a
        cls.users["portal_b"].partner_id.parent_id = cls.customer_b
        cls.records, cls.create_vals, cls.write_vals = cls._records_of_customer_a()

    @classmethod
    def _records_of_customer_a(cls):
        """One record of customer A per model, the values to create another
        and the values to write."""
        env, a = cls.env(su=True), cls.customer_a
        today = fields.Date.today()
        sample = env["lab.sample"].create(
            {
                "partner_id": a.id,
                "sample_name": "Cotton fabric",
                "line_ids": [Command.create({"product_id": cls.tensile.id})],
            }
        )
        complaint = env["lab.complaint"].create(
            {"partner_id": a.id, "summary": "Result disputed", "sample_id": sample.id}
        )
        survey = env["lab.survey"].create({"partner_id": a.id})
        request_type = env.ref("lab_crm.lab_service_request_type_technical")
        service_request = env["lab.service.request"].create(
            {
                "partner_id": a.id,
                "summary": "Which standard?",
                "type_id": request_type.id,
            }
        )
        contract = env["lab.service.contract"].create(
            {"partner_id": a.id, "date_end": today + timedelta(days=365)}
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": a.id,
                "invoice_date": today - timedelta(days=60),
                "invoice_date_due": today - timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Testing", "price_unit": 500.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        level = env.ref("lab_crm.lab_arrears_reminder_level_friendly")
        reminder = env["lab.arrears.reminder"].create(
            {"partner_id": a.id, "level_id": level.id}
        )
        reminder_line = env["lab.arrears.reminder.line"].create(
            {"reminder_id": reminder.id, "move_id": invoice.id}
        )
        spare_contact = env["res.partner"].create(
            {"name": "Spare contact", "parent_id": a.id}
        )
        # A sample of its own: an issued report keeps its sample from deletion.
        reported = env["lab.sample"].create(
            {"partner_id": a.id, "sample_name": "Denim", "report_number": "R-A-0001"}
        )
        report_version = env["lab.report.version"].create(
            {
                "name": "R-A-0001",
                "partner_id": a.id,
                "sample_id": reported.id,
                "report_date": today,
            }
        )
        report_delivery = env["lab.report.delivery"].create(
            {
                "version_id": report_version.id,
                "partner_id": spare_contact.id,
                "event": "viewed",
            }
        )
        report_verification = env["lab.report.verification"].create(
            {
                "version_id": report_version.id,
                "is_found": True,
                "address_hash": "0" * 64,
            }
        )
        company = env.company
        # Not a customer's record: a run of the model check (managers only).
        model_check = env["lab.model.check"].create(
            {
                "company_id": company.id,
                "calibration_start": today - timedelta(days=365),
                "calibration_end": today - timedelta(days=100),
                "holdout_end": today,
                "transactions": "invoices",
                "line_ids": [
                    Command.create({"kind": "tracking", "series": "actual", "week": 1})
                ],
            }
        )
        assessment = env["lab.assessment"].create(
            {"name": "2026", "date_from": today, "date_to": today}
        )
        spare_element = env["lab.assessment.element"].create({"name": "Culture"})
        benchmark = env["lab.assessment.benchmark"].create(
            {
                "name": "Provincial institutes",
                "line_ids": [
                    Command.create(
                        {
                            "element_id": assessment.result_ids[0].element_id.id,
                            "score": 3.0,
                        }
                    )
                ],
            }
        )
        records = {
            "res.partner": a,
            "lab.sample": sample,
            "lab.sample.line": sample.line_ids,
            "lab.complaint": complaint,
            "lab.survey": survey,
            "lab.survey.campaign": env["lab.survey.campaign"].create(
                {"name": "Spring survey"}
            ),
            "lab.qualification": env["lab.qualification"].create(
                {"partner_id": a.id, "name": "ISO 9001"}
            ),
            "lab.partner.change": env["lab.partner.change"].create(
                {"partner_id": a.id, "description": "Moved"}
            ),
            "lab.key.person": env["lab.key.person"].create(
                {"partner_id": a.id, "personality": "Decisive"}
            ),
            "lab.service.request": service_request,
            "lab.service.request.type": request_type,
            "lab.service.contract": contract,
            "lab.training.session": env["lab.training.session"].create(
                {"name": "GB/T 3923 workshop"}
            ),
            "lab.segment.snapshot": env["lab.segment.snapshot"].create(
                {"partner_id": a.id, "company_id": company.id, "date": today}
            ),
            "lab.service.quality": env["lab.service.quality"].search(
                [("partner_id", "=", a.id)], limit=1
            ),
            "lab.model.check": model_check,
            "lab.model.check.line": model_check.line_ids,
            "lab.arrears.customer": env["lab.arrears.customer"].search(
                [("partner_id", "=", a.id)]
            ),
            "lab.arrears.line": env["lab.arrears.line"].search(
                [("move_id", "=", invoice.id)]
            ),
            "lab.arrears.reminder": reminder,
            "lab.arrears.reminder.line": reminder_line,
            "lab.arrears.reminder.level": level,
            "lab.staff.kpi": env["lab.staff.kpi"].search(
                [("user_id", "=", cls.users["user_team"].id)]
            ),
            "lab.customer.risk": env["lab.customer.risk"].create(
                {
                    "partner_id": a.id,
                    "company_id": company.id,
                    "date": today,
                    "risk_class": "low",
                }
            ),
            "lab.competitor": env["lab.competitor"].create(
                {"name": "Eastern Testing Centre"}
            ),
            "lab.target.group": env["lab.target.group"].create(
                {
                    "name": "Active customers",
                    "customer_domain": "[('lifecycle_stage', '=', 'active')]",
                }
            ),
            "lab.accreditation": env["lab.accreditation"].create(
                {"kind": "cma", "name": "Mandatory Approval", "number": "241012340567"}
            ),
            "lab.report.version": report_version,
            "lab.report.delivery": report_delivery,
            "lab.report.verification": report_verification,
            "lab.assessment": assessment,
            "lab.assessment.line": assessment.line_ids[0],
            "lab.assessment.result": assessment.result_ids[0],
            "lab.assessment.element": assessment.result_ids[0].element_id,
            "lab.assessment.criterion": assessment.line_ids[0].criterion_id,
            "lab.assessment.benchmark": benchmark,
            "lab.assessment.benchmark.line": benchmark.line_ids,
        }
        for model, record in records.items():
            assert len(record) == 1, f"no fixture record of {model}"
        create_vals = {
            "res.partner": {"name": "New contact", "parent_id": a.id},
            "lab.sample": {"partner_id": a.id, "sample_name": "Denim"},
            "lab.sample.line": {"sample_id": sample.id, "product_id": cls.colour.id},
            "lab.complaint": {"partner_id": a.id, "summary": "Late report"},
            "lab.survey": {"partner_id": a.id},
            "lab.survey.campaign": {"name": "Autumn survey"},
            "lab.qualification": {"partner_id": a.id, "name": "CMA"},
            "lab.partner.change": {"partner_id": a.id, "description": "Renamed"},
            "lab.key.person": {"partner_id": a.id, "interests": "Go"},
            "lab.service.request": {
                "partner_id": a.id,
                "summary": "Quotation",
                "type_id": request_type.id,
            },
            "lab.service.request.type": {"name": "Site visit"},
            "lab.service.contract": {
                "partner_id": a.id,
                "date_end": today + timedelta(days=30),
            },
            "lab.training.session": {"name": "Sampling course"},
            "lab.segment.snapshot": {
                "partner_id": a.id,
                "company_id": company.id,
                "date": today - timedelta(days=1),
            },
            "lab.service.quality": {"partner_id": a.id},
            "lab.model.check": {
                "company_id": company.id,
                "calibration_start": today - timedelta(days=60),
                "calibration_end": today - timedelta(days=30),
                "holdout_end": today,
                "transactions": "samples",
            },
            "lab.model.check.line": {
                "check_id": model_check.id,
                "kind": "conditional",
                "series": "predicted",
            },
            "lab.arrears.customer": {"partner_id": a.id},
            "lab.arrears.line": {"partner_id": a.id},
            "lab.arrears.reminder": {"partner_id": a.id, "level_id": level.id},
            "lab.arrears.reminder.line": {
                "reminder_id": reminder.id,
                "move_id": invoice.id,
            },
            "lab.arrears.reminder.level": {
                "name": "Call",
                "days_overdue": 15,
                "mail_template_id": level.mail_template_id.id,
            },
            "lab.staff.kpi": {"user_id": cls.users["user_team"].id},
            "lab.customer.risk": {
                "partner_id": a.id,
                "company_id": company.id,
                "date": today - timedelta(days=1),
                "risk_class": "high",
            },
            "lab.competitor": {"name": "Northern Testing Centre"},
            "lab.target.group": {"name": "Manufacturers"},
            "lab.accreditation": {
                "kind": "cnas",
                "name": "Laboratory Accreditation",
                "number": "CNAS L10482",
            },
            "lab.report.version": {
                "name": "R-A-0002",
                "partner_id": a.id,
                "sample_id": reported.id,
                "report_date": today,
            },
            "lab.report.delivery": {
                "version_id": report_version.id,
                "partner_id": spare_contact.id,
                "event": "downloaded",
            },
            "lab.report.verification": {"is_found": False, "address_hash": "1" * 64},
            "lab.assessment": {"name": "2027", "date_from": today, "date_to": today},
            "lab.assessment.line": {
                "assessment_id": assessment.id,
                "criterion_id": assessment.line_ids[0].criterion_id.id,
            },
            "lab.assessment.result": {
                "assessment_id": assessment.id,
                "element_id": spare_element.id,
            },
            "lab.assessment.element": {"name": "Leadership culture"},
            "lab.assessment.criterion": {
                "name": "Values",
                "element_id": spare_element.id,
            },
            "lab.assessment.benchmark": {"name": "Target 2027"},
            "lab.assessment.benchmark.line": {
                "benchmark_id": benchmark.id,
                "element_id": spare_element.id,
                "score": 4.0,
            },
        }
        write_vals = {
            "res.partner": {"comment": "Visited"},
            "lab.sample": {"description": "Two metres"},
            "lab.sample.line": {"sequence": 5},
            "lab.complaint": {"summary": "Result disputed again"},
            "lab.survey": {"user_id": cls.users["manager"].id},
            "lab.survey.campaign": {"name": "Spring survey 2026"},
            "lab.qualification": {"issuer": "CNAS"},
            "lab.partner.change": {"description": "Moved to Suzhou"},
            "lab.key.person": {"interests": "Tea"},
            "lab.service.request": {"summary": "Which standard applies?"},
            "lab.service.request.type": {"response_hours": 4},
            "lab.service.contract": {"notes": "Renewed by phone"},
            "lab.training.session": {"duration_days": 2},
            "lab.segment.snapshot": {"recency_days": 3},
            "lab.service.quality": {"partner_id": a.id},
            "lab.model.check": {"bgnbd_r": 2.0},
            "lab.model.check.line": {"value": 3.0},
            "lab.arrears.customer": {"partner_id": a.id},
            "lab.arrears.line": {"partner_id": a.id},
            "lab.arrears.reminder": {"date": today},
            "lab.arrears.reminder.line": {"days_overdue": 31},
            "lab.arrears.reminder.level": {"days_overdue": 8},
            "lab.customer.risk": {"factors": "Pays late"},
            "lab.staff.kpi": {"user_id": cls.users["manager"].id},
            "lab.competitor": {"strengths": "Two-day turnaround"},
            "lab.target.group": {"description": "Invite to the open day"},
            "lab.accreditation": {"scope": "Textiles: physical properties"},
            "lab.report.version": {"reason": "Wrong batch"},
            "lab.report.delivery": {"event": "acknowledged"},
            "lab.report.verification": {"is_found": False},
            "lab.assessment": {"conclusion": "<p>Steady</p>"},
            "lab.assessment.line": {"evidence": "Minutes of the review"},
            "lab.assessment.result": {"weight": 2.0},
            "lab.assessment.element": {"description": "The management's role"},
            "lab.assessment.criterion": {"weight": 2.0},
            "lab.assessment.benchmark": {"source": "Provincial association"},
            "lab.assessment.benchmark.line": {"score": 4.0},
        }
        # Deleting a record others point to fails on the foreign key, whoever
        # tries: these unused ones are deleted instead.
        cls.unlinked = {
            "res.partner": spare_contact,
            # Elements and criteria in use are kept (ondelete restrict).
            "lab.assessment.element": env["lab.assessment.element"].create(
                {"name": "Unused element"}
            ),
            "lab.assessment.criterion": env["lab.assessment.criterion"].create(
                {"name": "Unused criterion", "element_id": spare_element.id}
            ),
            "lab.service.request.type": env["lab.service.request.type"].create(
                {"name": "Unused type"}
            ),
            "lab.arrears.reminder.level": env["lab.arrears.reminder.level"].create(
                {
                    "name": "Unused level",
                    "days_overdue": 120,
                    "mail_template_id": level.mail_template_id.id,
                }
            ),
        }
        return records, create_vals, write_vals


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessMatrixCommon):
    def _allowed(self, operation):
        """True when ``operation`` ran, False when it raised AccessError; what it
        did is rolled back either way."""
        try:
            with self.env.cr.savepoint():
                operation()
                self.env.flush_all()
                raise _Undo
        except _Undo:
            return True
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()

    def _cell(self, model, role):
        """The operations ``role`` could do on customer A's record of ``model``."""
        user = self.users[role]
        record = self.records[model].with_user(user)
        unlinked = self.unlinked.get(model, record)
        tries = {
            "r": lambda: record.read([record._rec_name or "id"]),
            "w": lambda: record.write(self.write_vals[model]),
            # create() may fill in the values (the reference): give it a copy.
            "c": lambda: (
                self.env[model].with_user(user).create(dict(self.create_vals[model]))
            ),
            "u": lambda: unlinked.with_user(user).unlink(),
        }
        return "".join(op for op, attempt in tries.items() if self._allowed(attempt))

    def test_every_lab_model_is_in_the_matrix(self):
        models = self.env["ir.model"].search(
            [("model", "=like", "lab.%"), ("transient", "=", False)]
        )
        lab_models = {
            model.model for model in models if not self.env[model.model]._abstract
        }
        self.assertEqual(lab_models, set(EXPECTED) - {"res.partner"})

    def test_role_model_operation_matrix(self):
        mismatches = []
        for model, expected in EXPECTED.items():
            for role, allowed in zip(ROLES, expected.split(), strict=True):
                actual = self._cell(model, role) or "-"
                if actual != allowed:
                    mismatches.append(
                        f"{model} × {role}: expected {allowed}, got {actual}"
                    )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_other_users_customer_is_out_of_search(self):
        # The account team's customer and its documents do not show up for a
        # user outside it, not even by name.
        other = self.users["user_other"]
        Partner = self.env["res.partner"].with_user(other)
        self.assertFalse(Partner.name_search("Customer A"))
        self.assertFalse(
            self.env["lab.sample"]
            .with_user(other)
            .search_count([("partner_id", "=", self.customer_a.id)])
        )

    def test_unassigned_prospects_are_everyones(self):
        prospect = self.env["res.partner"].create(
            {"name": "Prospect C", "is_company": True}
        )
        contact = self.env["res.partner"].create(
            {"name": "Wang Fang", "parent_id": prospect.id}
        )
        sample = self.env["lab.sample"].create(
            {"partner_id": prospect.id, "sample_name": "Wool"}
        )
        other = self.users["user_other"]
        self.assertEqual(prospect.with_user(other).lifecycle_stage, "prospect")
        self.assertEqual(contact.with_user(other).commercial_partner_id, prospect)
        sample.with_user(other).description = "Received by hand"
        # Once an account manager takes the prospect, the others lose it.
        prospect.user_id = self.users["user_team"]
        with self.assertRaises(AccessError):
            prospect.with_user(other).read(["name"])
        with self.assertRaises(AccessError):
            sample.with_user(other).read(["sample_name"])

    def test_customer_service_manager_is_on_the_team(self):
        other = self.users["user_other"]
        with self.assertRaises(AccessError):
            self.records["lab.complaint"].with_user(other).read(["summary"])
        self.customer_a.service_manager_id = other
        self.assertEqual(
            self.records["lab.complaint"].with_user(other).summary, "Result disputed"
        )
        # A's two samples: the fixture's and the one its report version is of.
        self.assertEqual(
            self.env["lab.sample"]
            .with_user(other)
            .search_count([("partner_id", "=", self.customer_a.id)]),
            2,
        )

    def test_complaint_assigned_outside_the_team_is_visible_to_its_handler(self):
        other = self.users["user_other"]
        complaint = self.records["lab.complaint"]
        complaint.user_id = other
        self.assertEqual(complaint.with_user(other).summary, "Result disputed")
        # ... but not the customer's other documents.
        with self.assertRaises(AccessError):
            self.records["lab.sample"].with_user(other).read(["sample_name"])

    def test_employees_and_suppliers_stay_visible(self):
        # Partners that are not customers of an account team: internal users'
        # partners and a supplier nobody took as a customer.
        other = self.users["user_other"]
        supplier = self.env["res.partner"].create(
            {"name": "Reagent supplier", "is_company": True, "supplier_rank": 1}
        )
        Partner = self.env["res.partner"].with_user(other)
        visible = Partner.search(
            [("id", "in", (supplier | self.users["manager"].partner_id).ids)]
        )
        self.assertEqual(visible, supplier | self.users["manager"].partner_id)

    def test_records_of_another_company_are_hidden(self):
        # A user with every lab_crm right who works in the fixture's company
        # only: each record moved to a second company disappears from its reach.
        other_company = self.env["res.company"].create({"name": "Lab Two"})
        groups = (
            "lab_crm.group_lab_crm_manager,lab_crm.group_lab_crm_sensitive,"
            "account.group_account_invoice"
        )
        manager = new_test_user(
            self.env, login="auditor", groups=groups, company_id=self.env.company.id
        )
        self.assertEqual(manager.company_ids, self.env.company)
        for model, record in self.records.items():
            if model == "res.partner" or model in SQL_REPORTS:
                continue
            Model = self.env[model]
            if (
                "company_id" not in Model._fields
                or not Model._fields["company_id"].store
            ):
                continue
            with self.subTest(model=model), contextlib.suppress(_Undo):
                with self.env.cr.savepoint():
                    self.env.cr.execute(
                        SQL(
                            "UPDATE %s SET company_id = %s WHERE id = %s",
                            SQL.identifier(Model._table),
                            other_company.id,
                            record.id,
                        )
                    )
                    self.env.invalidate_all()
                    self.assertFalse(
                        Model.with_user(manager).search_count([("id", "=", record.id)]),
                        f"{model} of another company is visible",
                    )
                    raise _Undo
            self.env.invalidate_all()
        # The SQL reports and the reminder lines follow their rows' company.
        Rule = self.env["ir.rule"]
        for model in (*SQL_REPORTS, "lab.arrears.reminder.line"):
            rules = Rule.search([("model_id.model", "=", model), ("global", "=", True)])
            self.assertIn("company_ids", " ".join(rules.mapped("domain_force")), model)
