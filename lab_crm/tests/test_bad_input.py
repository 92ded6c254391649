"""Impossible input is refused, and nothing of it is written.

Each constraint on what a user enters (dates in order, quantities, amounts, days,
points, percentages, cut-offs, scores on their scale) is tried at its edge, which
is accepted, and just past it, which is refused: through a write of the edge
record, which keeps its edge values, and through a create, which leaves no
record. SQL constraints fail with PostgreSQL's CheckViolation (an IntegrityError,
turned into a translated message for the user by the RPC layer), the checks in
Python with ValidationError. Figures the system computes cannot be written by
users at all.
"""

from datetime import date, datetime, timedelta

from psycopg2.errors import CheckViolation

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .sample_common import LabSampleCommon

DAY = date(2026, 3, 10)
BEFORE = DAY - timedelta(days=1)
NOW = datetime(2026, 3, 10, 9, 30)


@tagged("post_install", "-at_install")
class TestBadInput(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request_type = cls.env["lab.service.request.type"].create(
            {"name": "Quotation"}
        )
        cls.level_template = cls.env.ref(
            "lab_crm.lab_arrears_reminder_level_friendly"
        ).mail_template_id

    def _refused(self, exception, operation):
        """Run ``operation`` and assert it raises ``exception`` (rolled back)."""
        with (
            self.assertRaises(exception),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            operation()
            self.env.flush_all()
        self.env.invalidate_all()

    def _check_edge(self, model, create_vals, edge, past, exception):
        """``edge`` is accepted on create; ``past`` is refused on write (the
        record keeps ``edge``) and on create (no record is made)."""
        Model = self.env[model]
        record = Model.create({**create_vals, **edge})
        self.env.flush_all()
        self._refused(exception, lambda: record.write(past))
        for fname, value in edge.items():
            self.assertEqual(record[fname], value, f"{model}.{fname} kept its edge")
        count = Model.search_count([])
        self._refused(exception, lambda: Model.create({**create_vals, **past}))
        self.assertEqual(Model.search_count([]), count, f"no {model} created")

    # ------------------------------------------------------------------
    # SQL constraints (single rows of stored fields)
    # ------------------------------------------------------------------

    def test_sql_constraints(self):
        customer = self.customer.id
        sample = self._sample(items=self.tensile)
        complaint = {"partner_id": customer, "summary": "Late", "received_date": DAY}
        contract = {
            "partner_id": customer,
            "date_start": DAY,
            "date_end": DAY + timedelta(days=30),
        }
        request = {
            "partner_id": customer,
            "summary": "Which standard?",
            "type_id": self.request_type.id,
            "requested_datetime": NOW,
        }
        level = {"name": "Call", "mail_template_id": self.level_template.id}
        one_second = timedelta(seconds=1)
        cases = [
            # model, values to create with, at the edge, just past it
            ("lab.complaint", complaint, {"deadline": DAY}, {"deadline": BEFORE}),
            (
                "lab.complaint",
                complaint,
                {"effectiveness_date": DAY},
                {"effectiveness_date": BEFORE},
            ),
            ("lab.complaint", complaint, {"result_date": DAY}, {"result_date": BEFORE}),
            (
                "lab.complaint",
                complaint,
                {"compensation_amount": 0.0},
                {"compensation_amount": -0.01},
            ),
            (
                "lab.survey.campaign",
                {"name": "Spring", "date_start": DAY},
                {"date_end": DAY},
                {"date_end": BEFORE},
            ),
            (
                "lab.training.session",
                {"name": "Sampling course"},
                {"duration_days": 0.1},
                {"duration_days": 0.0},
            ),
            (
                "lab.sample.line",
                {"sample_id": sample.id, "product_id": self.colour.id},
                {"turnaround_days": 0},
                {"turnaround_days": -1},
            ),
            (
                "lab.sample.line",
                {"sample_id": sample.id, "product_id": self.colour.id},
                {"price_unit": 0.0},
                {"price_unit": -0.01},
            ),
            (
                "product.template",
                {"name": "Pilling", "type": "service", "is_lab_test_item": True},
                {"lab_turnaround_days": 0},
                {"lab_turnaround_days": -1},
            ),
            (
                "lab.service.request",
                request,
                {"response_deadline": NOW},
                {"response_deadline": NOW - one_second},
            ),
            (
                "lab.service.request",
                request,
                {"resolution_deadline": NOW},
                {"resolution_deadline": NOW - one_second},
            ),
            (
                "lab.service.request.type",
                {"name": "Visit"},
                {"response_hours": 0},
                {"response_hours": -1},
            ),
            (
                "lab.service.request.type",
                {"name": "Visit"},
                {"resolution_days": 0},
                {"resolution_days": -1},
            ),
            (
                "lab.service.contract",
                {"partner_id": customer, "date_start": DAY},
                {"date_end": DAY},
                {"date_end": BEFORE},
            ),
            ("lab.service.contract", contract, {"discount": 0.0}, {"discount": -0.01}),
            (
                "lab.service.contract",
                contract,
                {"discount": 100.0},
                {"discount": 100.01},
            ),
            (
                "lab.service.contract",
                contract,
                {"prepaid_amount": 0.0},
                {"prepaid_amount": -0.01},
            ),
            (
                "lab.service.contract",
                contract,
                {"included_test_count": 0},
                {"included_test_count": -1},
            ),
            (
                "lab.service.contract",
                contract,
                {"included_training_days": 0.0},
                {"included_training_days": -0.1},
            ),
            (
                "lab.service.contract",
                contract,
                {"turnaround_days": 0},
                {"turnaround_days": -1},
            ),
            (
                "lab.arrears.reminder.level",
                level,
                {"days_overdue": 1},
                {"days_overdue": 0},
            ),
            (
                "crm.lead",
                {"name": "Factory audit", "warranty_start_date": DAY},
                {"warranty_end_date": DAY},
                {"warranty_end_date": BEFORE},
            ),
        ]
        for model, create_vals, edge, past in cases:
            with self.subTest(model=model, field=next(iter(edge))):
                self._check_edge(model, create_vals, edge, past, CheckViolation)

    # ------------------------------------------------------------------
    # Checks in Python (several fields, scales, transient models)
    # ------------------------------------------------------------------

    def test_python_constraints(self):
        sample = {"partner_id": self.customer.id, "sample_name": "Denim"}
        survey = {"partner_id": self.customer.id}
        batch = self.env["lab.sample.batch.wizard"].create(
            {"partner_id": self.customer.id}
        )
        cases = [
            ("lab.sample", sample, {"quantity": 0.01}, {"quantity": 0.0}),
            ("lab.sample", sample, {"turnaround_days": 0}, {"turnaround_days": -1}),
            (
                "lab.qualification",
                {"partner_id": self.customer.id, "name": "CMA", "issue_date": DAY},
                {"expiry_date": DAY},
                {"expiry_date": BEFORE},
            ),
            ("lab.survey", survey, {"score_fees": 5}, {"score_fees": 6}),
            ("lab.survey", survey, {"score_fees": 0}, {"score_fees": -1}),
            (
                "lab.sample.batch.wizard.line",
                {"wizard_id": batch.id, "sample_name": "Denim"},
                {"quantity": 0.01},
                {"quantity": 0.0},
            ),
            (
                "lab.staff.kpi.wizard",
                {"date_to": DAY},
                {"date_from": DAY},
                {"date_from": DAY + timedelta(days=1)},
            ),
        ]
        for model, create_vals, edge, past in cases:
            with self.subTest(model=model, field=next(iter(edge))):
                # The KPI period check predates ValidationError there: UserError,
                # of which ValidationError is a kind.
                exception = (
                    UserError if model == "lab.staff.kpi.wizard" else (ValidationError)
                )
                self._check_edge(model, create_vals, edge, past, exception)

    def test_segment_wizard(self):
        valid = {
            "transactions": "invoices",
            "period_months": 12,
            "a_cutoff": 0.8,
            "b_cutoff": 0.95,
            "horizon_months": 12,
            "monthly_discount_rate": 0.01,
        }
        cases = [
            ({"period_months": 1}, {"period_months": 0}),
            ({"horizon_months": 1}, {"horizon_months": 0}),
            # Tier B may be empty (A == B); A may not end after B.
            ({"a_cutoff": 0.9, "b_cutoff": 0.9}, {"a_cutoff": 0.91, "b_cutoff": 0.9}),
            ({"a_cutoff": 0.01}, {"a_cutoff": 0.0}),
            ({"b_cutoff": 1.0}, {"b_cutoff": 1.01}),
            ({"monthly_discount_rate": 0.0}, {"monthly_discount_rate": -0.0001}),
            ({"monthly_discount_rate": 0.9999}, {"monthly_discount_rate": 1.0}),
        ]
        for edge, past in cases:
            with self.subTest(edge=edge):
                self._check_edge(
                    "lab.segment.wizard",
                    {**valid},
                    edge,
                    past,
                    ValidationError,
                )

    def test_settings(self):
        Settings = self.env["res.config.settings"]
        company = self.env.company
        cases = [
            ({fname: 0}, {fname: -1})
            for fname in (
                "lab_qualification_expiry_days",
                "lab_survey_points_per_answer",
                "lab_follow_up_delay_days",
                "lab_follow_up_period_days",
                "lab_complaint_days_minor",
                "lab_complaint_days_major",
                "lab_complaint_days_critical",
                "lab_credit_hold_overdue_days",
                "lab_contract_renewal_days",
            )
        ] + [
            (
                {"lab_survey_token_validity_days": 1},
                {"lab_survey_token_validity_days": 0},
            ),
            # Probabilities: 0 <= high <= medium <= 1.
            (
                {"lab_risk_high_below": 0.6, "lab_risk_medium_below": 0.6},
                {"lab_risk_high_below": 0.61, "lab_risk_medium_below": 0.6},
            ),
            ({"lab_risk_high_below": 0.0}, {"lab_risk_high_below": -0.01}),
            ({"lab_risk_medium_below": 1.0}, {"lab_risk_medium_below": 1.01}),
            ({"lab_segment_period_months": 1}, {"lab_segment_period_months": 0}),
            (
                {"lab_segment_a_cutoff": 0.9, "lab_segment_b_cutoff": 0.9},
                {"lab_segment_a_cutoff": 0.91, "lab_segment_b_cutoff": 0.9},
            ),
            ({"lab_segment_b_cutoff": 1.0}, {"lab_segment_b_cutoff": 1.01}),
            ({"lab_segment_horizon_months": 1}, {"lab_segment_horizon_months": 0}),
            (
                {"lab_segment_monthly_discount_rate": 0.0},
                {"lab_segment_monthly_discount_rate": -0.0001},
            ),
            (
                {"lab_segment_monthly_discount_rate": 0.9999},
                {"lab_segment_monthly_discount_rate": 1.0},
            ),
            (
                {"lab_segment_attitude_threshold": 1.0},
                {"lab_segment_attitude_threshold": 0.99},
            ),
            (
                {"lab_segment_attitude_threshold": 5.0},
                {"lab_segment_attitude_threshold": 5.01},
            ),
            (
                {"lab_segment_repeat_threshold": 0.0},
                {"lab_segment_repeat_threshold": -1.0},
            ),
        ]
        for edge, past in cases:
            with self.subTest(edge=edge):
                Settings.create(edge).execute()
                saved = {fname: company[fname] for fname in edge}
                for fname, value in edge.items():
                    self.assertEqual(
                        type(value)(saved[fname] or 0), value, f"{fname} saved"
                    )
                self._refused(ValidationError, lambda past=past: Settings.create(past))
                for fname in edge:
                    self.assertEqual(
                        company[fname],
                        saved[fname],
                        f"{fname} unchanged",
                    )

    def test_credit_hold_lifted_from_today(self):
        today = fields.Date.context_today(self.env.user)
        Wizard = self.env["lab.credit.hold.wizard"]
        Wizard.create(
            {"partner_id": self.customer.id, "date_until": today, "reason": "Paid"}
        ).action_confirm()
        self.assertEqual(self.customer.lab_credit_hold_released_until, today)
        wizard = Wizard.create(
            {
                "partner_id": self.customer.id,
                "date_until": today - timedelta(days=1),
                "reason": "Paid",
            }
        )
        self._refused(ValidationError, wizard.action_confirm)
        self.assertEqual(self.customer.lab_credit_hold_released_until, today)

    # ------------------------------------------------------------------
    # Figures the system computes
    # ------------------------------------------------------------------

    def test_reminder_line_figures_are_the_systems(self):
        accountant = self.lab_manager  # Invoicing and Lab CRM manager
        invoice = self.init_invoice(
            "out_invoice", partner=self.customer, amounts=[500.0], post=True
        )
        level = self.env.ref("lab_crm.lab_arrears_reminder_level_friendly")
        reminder = self.env["lab.arrears.reminder"].create(
            {"partner_id": self.customer.id, "level_id": level.id}
        )
        line = self.env(su=True)["lab.arrears.reminder.line"].create(
            {
                "reminder_id": reminder.id,
                "move_id": invoice.id,
                "days_overdue": 30,
                "amount_residual": 500.0,
            }
        )
        Line = self.env["lab.arrears.reminder.line"].with_user(accountant)
        for fname, value in (
            ("days_overdue", 31),
            ("amount_residual", 1.0),
            ("date_due", DAY),
        ):
            with self.subTest(field=fname):
                self.assertTrue(Line._fields[fname].readonly)
                self._refused(
                    AccessError,
                    lambda f=fname, v=value: line.with_user(accountant).write({f: v}),
                )
                self._refused(
                    AccessError,
                    lambda f=fname, v=value: Line.create(
                        {"reminder_id": reminder.id, "move_id": invoice.id, f: v}
                    ),
                )
        self.assertEqual((line.days_overdue, line.amount_residual), (30, 500.0))
        self.assertEqual(len(reminder.line_ids), 1)
        # The line of an invoice, without figures, is still the accountant's.
        Line.create({"reminder_id": reminder.id, "move_id": invoice.id})
        self.assertEqual(len(reminder.line_ids), 2)

    def test_segment_snapshot_figures_are_the_systems(self):
        snapshot = self.env(su=True)["lab.segment.snapshot"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.env.company.id,
                "date": DAY,
                "recency_days": 10,
                "r_score": 4,
                "clv": 1200.0,
            }
        )
        Snapshot = self.env["lab.segment.snapshot"]
        for fname, value in (("recency_days", 3), ("r_score", 5), ("clv", 1.0)):
            with self.subTest(field=fname):
                self.assertTrue(Snapshot._fields[fname].readonly)
                for user in (self.lab_user, self.lab_manager):
                    self._refused(
                        AccessError,
                        lambda u=user, f=fname, v=value: snapshot.with_user(u).write(
                            {f: v}
                        ),
                    )
        self.assertEqual(
            (snapshot.recency_days, snapshot.r_score, snapshot.clv), (10, 4, 1200.0)
        )

    def test_survey_points_are_earned_not_typed(self):
        self.customer.sudo().lab_survey_points = 15  # the system, after two answers
        customer = self.customer.with_user(self.lab_user)
        self._refused(AccessError, lambda: customer.write({"lab_survey_points": 1000}))
        self.assertEqual(self.customer.lab_survey_points, 15)
        # A form writing back what it read changes nothing and passes.
        customer.write({"lab_survey_points": 15, "ref": "JT-01"})
        self.assertEqual(
            (self.customer.ref, self.customer.lab_survey_points), ("JT-01", 15)
        )

    # ------------------------------------------------------------------
    # The user's language
    # ------------------------------------------------------------------

    def test_refusals_speak_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "lab_crm")]
        )._update_translations(["zh_CN"])
        complaint = self.env["lab.complaint"].create(
            {
                "partner_id": self.customer.id,
                "summary": "Late report",
                "received_date": DAY,
            }
        )
        # What the RPC layer tells a user whose write breaks a SQL constraint.
        with (
            self.assertRaises(CheckViolation) as refusal,
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            complaint.write({"deadline": BEFORE})
            self.env.flush_all()
        self.env.invalidate_all()
        message = complaint.with_context(lang="zh_CN")._sql_error_to_message(
            refusal.exception
        )
        self.assertEqual(message, "投诉的处理期限不能早于收到投诉的日期。")
        # A check in Python, in the user's language.
        with self.assertRaises(ValidationError) as refusal:
            self.env["res.config.settings"].with_context(lang="zh_CN").create(
                {"lab_survey_token_validity_days": 0}
            )
        self.assertEqual(str(refusal.exception), "调查链接的有效期至少为一天。")
