"""Customer-management capability assessment (客户管理能力评价, seed 003 §4.4).

The fixture is a laboratory's year 2025 (the assessed period) and 2024 (the
period before, for retention), assessed on 1 March 2026, with four customers:

- P1: complete profile, account manager and customer-service manager; invoices
  on 2024-06-01 (400) and 2025-03-01 (1,000), both unpaid;
- P2: complete profile, account manager only; a sample received 2025-05-10 and
  an invoice of 2026-02-20 (3,000, due 2026-03-31);
- P3: a category and an account manager only; an invoice on 2024-05-01 (600,
  unpaid) and a sample received 2025-07-01;
- P4: no profile; an invoice on 2024-08-01 (1,000, unpaid); marked lost.

Every figure in the assertions is worked out by hand in the comment beside it.
"""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import SQL

from .common import CODE_A, CODE_B
from .sample_common import LabSampleCommon

PERIOD = ("2025-01-01", "2025-12-31")
# The figures of a period: the six grouped queries of lab.assessment.measure,
# and the arrears report's switching PostgreSQL's JIT off and on again.
MEASURE_QUERIES = 8
# Measuring an assessment again: the assessment, the criteria, the lines and the
# elements read, the figures, one UPDATE of the lines (and, the first time after
# the fixture, the ORM's rules and groups reloaded).
BUTTON_QUERIES = 30


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestAssessment(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Partner = env["res.partner"]
        cls.service_manager = new_test_user(
            env, login="service_mgr", groups="lab_crm.group_lab_crm_user"
        )
        profile = {"customer_category": "manufacturer", "enterprise_scale": "medium"}
        cls.p1 = Partner.create(
            {
                "name": "P1",
                "is_company": True,
                **profile,
                "social_credit_code": CODE_A,
                "user_id": cls.lab_user.id,
                "service_manager_id": cls.service_manager.id,
            }
        )
        cls.p2 = Partner.create(
            {
                "name": "P2",
                "is_company": True,
                **profile,
                "social_credit_code": CODE_B,
                "user_id": cls.lab_user.id,
            }
        )
        cls.p3 = Partner.create(
            {
                "name": "P3",
                "is_company": True,
                "customer_category": "manufacturer",
                "user_id": cls.lab_user.id,
            }
        )
        cls.p4 = Partner.create({"name": "P4", "is_company": True})
        for partner, day, amount, due in (
            (cls.p1, "2024-06-01", 400.0, None),
            (cls.p1, "2025-03-01", 1000.0, None),
            (cls.p2, "2026-02-20", 3000.0, "2026-03-31"),
            (cls.p3, "2024-05-01", 600.0, None),
            (cls.p4, "2024-08-01", 1000.0, None),
        ):
            cls._invoice(partner, day, amount, due)
        cls._samples()
        cls._complaints()
        cls._service_requests()
        cls._surveys()
        cls._snapshots()
        cls.p4.write(
            {"lifecycle_stage": "lost", "lifecycle_lost_reason": "capacity_limits"}
        )
        cls.assessment = cls._assessment("2025")

    # Fixture

    @classmethod
    def _invoice(cls, partner, day, amount, due=None):
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": day,
                "date": day,
                "invoice_date_due": due or day,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Tests", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    @classmethod
    def _set(cls, records, **values):
        """Write stored columns as they would stand after the documents' own
        workflows (the workflows are the other tests' concern)."""
        records.flush_recordset()
        assignments = SQL(", ").join(
            SQL("%s = %s", SQL.identifier(fname), value)
            for fname, value in values.items()
        )
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET %s WHERE id IN %s",
                SQL.identifier(records._table),
                assignments,
                tuple(records.ids),
            )
        )
        records.invalidate_recordset()

    @classmethod
    def _samples(cls):
        # Received in 2025: P2's reported on its promised date (on time), P3's a
        # day late; a sample received in 2026 is out of the period.
        s2 = cls._sample(cls.p2, received_datetime=datetime(2025, 5, 10, 2))
        s3 = cls._sample(cls.p3, received_datetime=datetime(2025, 7, 1, 2))
        later = cls._sample(cls.p1, received_datetime=datetime(2026, 1, 5, 2))
        cls._set(
            s2 | later,
            state="reported",
            promised_date=date(2025, 5, 20),
            report_date=date(2025, 5, 20),
            on_time_rate=100.0,
        )
        cls._set(
            s3,
            state="reported",
            promised_date=date(2025, 7, 10),
            report_date=date(2025, 7, 11),
            on_time_rate=0.0,
        )

    @classmethod
    def _complaints(cls):
        Complaint = cls.env["lab.complaint"]
        rows = (
            # received, deadline, result communicated
            ("2025-02-01", "2025-02-10", "2025-02-10"),  # on its deadline: on time
            ("2025-03-01", "2025-03-10", "2025-03-11"),  # a day late
            ("2025-04-01", "2025-04-10", None),  # past its deadline, unanswered
            ("2024-12-31", "2025-01-10", "2025-01-05"),  # received before 2025
        )
        for received, deadline, result in rows:
            complaint = Complaint.create(
                {
                    "partner_id": cls.p1.id,
                    "summary": "Late report",
                    "received_date": received,
                }
            )
            cls._set(complaint, deadline=deadline, result_date=result)
        rejected = Complaint.create(
            {"partner_id": cls.p1.id, "summary": "Not ours", "received_date": PERIOD[0]}
        )
        cls._set(rejected, state="rejected", deadline="2025-01-05")

    @classmethod
    def _service_requests(cls):
        Request = cls.env["lab.service.request"]
        request_type = cls.env.ref("lab_crm.lab_service_request_type_technical")
        for requested, deadline, answered in (
            ("2025-03-01 08:00", "2025-03-05 08:00", "2025-03-05 08:00"),  # on time
            ("2025-04-01 08:00", "2025-04-05 08:00", "2025-04-06 08:00"),  # late
            ("2025-05-01 08:00", "2025-05-05 08:00", "2025-05-02 08:00"),  # on time
            ("2025-06-01 08:00", "2025-06-05 08:00", None),  # not resolved
        ):
            request = Request.create(
                {
                    "partner_id": cls.p1.id,
                    "summary": "Which standard?",
                    "type_id": request_type.id,
                }
            )
            cls._set(
                request,
                requested_datetime=requested,
                resolution_deadline=deadline,
                answered_datetime=answered,
                is_resolution_late=bool(answered and answered > deadline),
            )

    @classmethod
    def _surveys(cls):
        Survey = cls.env["lab.survey"]
        for kind, state, accuracy, day in (
            ("follow_up", "answered", 5, "2025-03-01"),
            ("follow_up", "planned", 0, "2025-04-01"),
            ("follow_up", "sent", 0, "2025-05-01"),
            ("campaign", "answered", 4, "2025-06-01"),
            ("campaign", "analysed", 3, "2025-06-01"),
            ("campaign", "sent", 0, "2025-06-01"),
            ("other", "planned", 0, "2025-06-01"),
            ("campaign", "answered", 1, "2024-06-01"),  # before the period
        ):
            survey = Survey.create(
                {
                    "partner_id": cls.p1.id,
                    "kind": kind,
                    "date": day,
                    "score_accuracy": accuracy,
                }
            )
            cls._set(survey, state=state)

    @classmethod
    def _snapshots(cls):
        Snapshot = cls.env["lab.segment.snapshot"].sudo()
        company = cls.env.company.id
        rows = [
            # An earlier run of the period: not the last one, not read.
            ("2025-06-30", cls.p1, "A", "high"),
            ("2025-12-31", cls.p1, "A", "low"),
            ("2025-12-31", cls.p2, "A", "high"),
            ("2025-12-31", cls.p3, "B", "medium"),
            ("2025-12-31", cls.p4, "C", "low"),
            # After the period.
            ("2026-01-31", cls.p1, "A", "high"),
        ]
        Snapshot.create(
            [
                {
                    "date": day,
                    "partner_id": partner.id,
                    "company_id": company,
                    "tier": tier,
                    "churn_level": churn,
                }
                for day, partner, tier, churn in rows
            ]
        )

    @classmethod
    def _assessment(cls, name, date_from=PERIOD[0], date_to=PERIOD[1], **vals):
        return (
            cls.env["lab.assessment"]
            .with_user(cls.lab_manager)
            .create({"name": name, "date_from": date_from, "date_to": date_to, **vals})
        )

    def _line(self, assessment, measure):
        return assessment.line_ids.filtered(lambda line: line.measure == measure)

    # Measured criteria

    def test_every_measured_criterion_by_hand(self):
        self.assessment.action_measure()
        expected = {
            # Active in 2025: P1 (invoice), P2 and P3 (samples); complete
            # profiles: P1, P2 -> 2 / 3.
            "profile_complete": 200 / 3,
            # Account and customer-service manager: P1 only -> 1 / 3.
            "account_team": 100 / 3,
            # Active in 2024: P1, P3, P4; still active in 2025: P1, P3 -> 2 / 3.
            "retention": 200 / 3,
            # 2025's complaints due or answered: 3 (the rejected one and the
            # one of 2024 left out); answered by the deadline: 1 -> 1 / 3.
            "complaints_on_time": 100 / 3,
            # Resolved requests: 3, in time: 2 -> 2 / 3.
            "requests_on_time": 200 / 3,
            # Samples received in 2025 and reported: 2, on time: 1 -> 50.
            "reports_on_time": 50.0,
            # Follow-up visits of 2025: 3, answered: 1 -> 1 / 3.
            "follow_ups_done": 100 / 3,
            # Other surveys sent in 2025 (planned ones left out): 3, answered
            # or analysed: 2 -> 2 / 3.
            "surveys_answered": 200 / 3,
            # Answered in 2025: overall scores 5, 4 and 3 -> 4.0.
            "satisfaction": 4.0,
            # Last run of 2025 (12-31): 4 customers, P2 at high risk and P4
            # lost -> 2 / 4.
            "churn": 50.0,
            # Tier A on 12-31: P1 and P2, P1 not at high risk -> 1 / 2.
            "key_customers_kept": 50.0,
            # Open receivables on 2026-03-01: 400 + 1,000 + 3,000 + 600 + 1,000
            # = 6,000; overdue: all but P2's 3,000 -> 3,000 / 6,000.
            "overdue_share": 50.0,
        }
        for measure, value in expected.items():
            with self.subTest(measure=measure):
                self.assertAlmostEqual(
                    self._line(self.assessment, measure).measured_value, value, 2
                )

    def test_measured_scores_follow_the_seeded_thresholds(self):
        self.assessment.action_measure()
        expected = {
            "profile_complete": 3,  # 66.7 >= 60, < 80
            "account_team": 1,  # 33.3 < 50
            "retention": 3,  # 66.7 >= 65, < 80
            "complaints_on_time": 1,  # 33.3 < 60
            "requests_on_time": 2,  # 66.7 >= 60, < 75
            "reports_on_time": 1,  # 50 < 70
            "follow_ups_done": 2,  # 33.3 >= 30, < 50
            "surveys_answered": 4,  # 66.7 >= 60, < 80
            "satisfaction": 4,  # 4.0 >= 4.0 (on the edge), < 4.5
            "churn": 1,  # 50 > 30 (lower is better)
            "key_customers_kept": 1,  # 50 < 60
            "overdue_share": 2,  # 50 <= 50 (on the edge), > 30
        }
        for measure, score in expected.items():
            with self.subTest(measure=measure):
                line = self._line(self.assessment, measure)
                self.assertEqual(line.measured_score, score)
                self.assertEqual(line.score, score)

    def test_a_period_without_documents_has_no_figure(self):
        empty = self._assessment("2023", "2023-01-01", "2023-12-31")
        empty.action_measure()
        # Nothing in 2023 but the open receivables, measured on the day.
        measured = empty.line_ids.filtered("measured_score")
        self.assertEqual(measured.mapped("measure"), ["overdue_share"])

    def test_thresholds_at_their_edges(self):
        criterion = self.env.ref(
            "lab_crm.lab_assessment_criterion_information_profiles"
        )  # 40, 60, 80, 95
        for value, score in (
            (0.0, 1),
            (39.99, 1),
            (40.0, 2),
            (59.99, 2),
            (60.0, 3),
            (80.0, 4),
            (94.99, 4),
            (95.0, 5),
            (100.0, 5),
            (None, 0),
        ):
            self.assertEqual(criterion._score(value), score, value)
        churn = self.env.ref(
            "lab_crm.lab_assessment_criterion_effectiveness_churn"
        )  # lower is better: 30, 20, 10, 5
        for value, score in (
            (30.01, 1),
            (30.0, 2),
            (20.0, 3),
            (10.01, 3),
            (10.0, 4),
            (5.0, 5),
            (0.0, 5),
        ):
            self.assertEqual(churn._score(value), score, value)
        with self.assertRaises(ValidationError):
            criterion.threshold_4 = 50.0  # below level 3's 60

    def test_override_keeps_both_scores_and_needs_a_reason(self):
        self.assessment.action_measure()
        line = self._line(self.assessment, "complaints_on_time")
        with self.assertRaises(ValidationError):
            line.manual_score = "3"
        line.write({"manual_score": "3", "override_reason": "Two were disputed"})
        self.assertEqual(line.measured_score, 1)
        self.assertAlmostEqual(line.measured_value, 100 / 3, 2)
        self.assertEqual(line.score, 3)
        # Measuring again keeps the assessor's score over the figure.
        self.assessment.action_measure()
        self.assertEqual((line.measured_score, line.score), (1, 3))
        # An unmeasured criterion needs no reason.
        manual = self.assessment.line_ids.filtered(lambda line: not line.measure)[:1]
        manual.manual_score = "4"
        self.assertEqual(manual.score, 4)

    # Results

    def _score_everything(self, assessment, score):
        assessment.action_measure()
        assessment.line_ids.filtered(lambda line: not line.measure).manual_score = score

    def test_element_and_overall_scores_with_weights(self):
        assessment = self.assessment
        self._score_everything(assessment, "2")
        results = {r.element_id: r for r in assessment.result_ids}
        ref = self.env.ref
        operations = results[ref("lab_crm.lab_assessment_element_operations")]
        # Complaints 1, requests 2, follow-ups 2, surveys 4, weights 1 each:
        # (1 + 2 + 2 + 4) / 4 = 2.25.
        self.assertAlmostEqual(operations.score, 2.25, 2)
        effectiveness = results[ref("lab_crm.lab_assessment_element_effectiveness")]
        # Retention 3 x 2, satisfaction 4 x 2, churn 1, key 1, reports 1,
        # overdue 2: (6 + 8 + 1 + 1 + 1 + 2) / 8 = 19 / 8 = 2.375.
        self.assertAlmostEqual(effectiveness.score, 2.375, 3)
        people = results[ref("lab_crm.lab_assessment_element_people")]
        # Posts 2 (by hand, weight 1), account team 1 (weight 2): 4 / 3.
        self.assertAlmostEqual(people.score, 4 / 3, 2)
        information = results[ref("lab_crm.lab_assessment_element_information")]
        # Profiles 3 x 2, channels 2 x 1: 8 / 3.
        self.assertAlmostEqual(information.score, 8 / 3, 2)
        # Leadership, strategy, resources: 2 each. Elements weighted 10, 10,
        # 10, 10, 15, 20, 25 (of 100):
        # (2*10 + 2*10 + 4/3*10 + 2*10 + 8/3*15 + 2.25*20 + 2.375*25) / 100
        # = (20 + 20 + 13.333 + 20 + 40 + 45 + 59.375) / 100 = 2.17708.
        self.assertAlmostEqual(assessment.overall_index, 2.17708, 4)

    def test_comparison_with_previous_and_benchmark(self):
        previous = self._assessment("2024", "2024-01-01", "2024-12-31")
        previous.line_ids.write({"manual_score": "3", "override_reason": "Audit"})
        previous.action_submit()
        previous.action_done()
        # Every criterion 3: every element 3, the index 3.
        self.assertAlmostEqual(previous.overall_index, 3.0, 4)
        ref = self.env.ref
        benchmark = self.env["lab.assessment.benchmark"].create(
            {
                "name": "Provincial institutes",
                "kind": "regional",
                "line_ids": [
                    Command.create({"element_id": element.id, "score": 2.5})
                    for element in self.assessment.result_ids.element_id
                ],
            }
        )
        assessment = self.assessment
        assessment.benchmark_id = benchmark
        self._score_everything(assessment, "2")
        self.assertEqual(assessment.previous_id, previous)
        self.assertAlmostEqual(assessment.previous_index, 3.0, 4)
        self.assertAlmostEqual(assessment.benchmark_index, 2.5, 4)
        operations = assessment.result_ids.filtered(
            lambda r: r.element_id == ref("lab_crm.lab_assessment_element_operations")
        )
        self.assertAlmostEqual(operations.previous_score, 3.0, 4)
        self.assertAlmostEqual(operations.benchmark_score, 2.5, 4)
        # 2.5 - 2.25 = 0.25 behind: weak.
        self.assertAlmostEqual(operations.gap, 0.25, 4)
        self.assertTrue(operations.is_weak)
        information = assessment.result_ids.filtered(
            lambda r: r.element_id == ref("lab_crm.lab_assessment_element_information")
        )
        # 2.5 - 8/3 = -1/6: ahead, not weak.
        self.assertAlmostEqual(information.gap, 2.5 - 8 / 3, 4)
        self.assertFalse(information.is_weak)
        # The radar has the three polygons and a label per element.
        svg = str(assessment.radar_chart)
        self.assertEqual(svg.count('fill-opacity="0.15"'), 3)
        self.assertIn("Provincial institutes", svg)
        # A draft of an earlier period is no previous assessment.
        self.assertFalse(previous.previous_id)

    def test_improvement_actions_are_created_once(self):
        assessment = self.assessment
        self._score_everything(assessment, "2")
        assessment.action_deadline = "2026-06-30"
        owner = self.service_manager
        weak = assessment.result_ids.filtered("is_weak")
        # Without a benchmark: below 3. Every element is (index 2.18): 7.
        self.assertEqual(len(weak), 7)
        weak[:1].user_id = owner
        assessment.action_plan_improvements()
        activities = assessment.activity_ids
        self.assertEqual(len(activities), 7)
        self.assertEqual(weak.activity_id, activities)
        self.assertEqual(weak[:1].activity_id.user_id, owner)
        self.assertEqual(set(activities[1:].user_id.ids), {self.lab_manager.id})
        self.assertEqual(set(activities.mapped("date_deadline")), {date(2026, 6, 30)})
        assessment.action_plan_improvements()
        self.assertEqual(assessment.activity_ids, activities)
        # Followed to closure: a done action stays linked, and is not redone.
        weak[:1].activity_id.action_feedback(feedback="Plan adopted")
        self.assertEqual(weak[:1].action_state, "done")
        self.assertEqual(weak[1:2].action_state, "planned")
        assessment.action_plan_improvements()
        self.assertEqual(len(assessment.activity_ids), 6)

    def test_done_assessment_is_final(self):
        self.assessment.action_submit()
        self.assessment.action_done()
        line = self.assessment.line_ids[:1]
        with self.assertRaises(UserError):
            line.manual_score = "5"
        with self.assertRaises(UserError):
            self.assessment.action_measure()
        with self.assertRaises(UserError):
            self.assessment.action_plan_improvements()

    # Access, report, queries

    def test_managers_only(self):
        for user in (self.lab_user, self.service_manager):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.assessment.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self.assessment.with_user(user).action_measure()
            with self.assertRaises(AccessError):
                self.env["lab.assessment"].with_user(user).create(
                    {"name": "X", "date_from": PERIOD[0], "date_to": PERIOD[1]}
                )
        self.assertTrue(self.assessment.with_user(self.lab_manager).read(["name"]))

    def test_pdf_renders(self):
        self._score_everything(self.assessment, "2")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "lab_crm.lab_assessment_report", self.assessment.ids
        )
        html = html.decode()
        self.assertIn("<svg", html)
        self.assertIn("2.18", html)  # the overall index, 2.17708
        self.assertIn("Customer-management capability assessment", html)
        # As a manager prints it: the PDF (wkhtmltopdf draws the inline SVG).
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.lab_manager)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("lab_crm.lab_assessment_report", self.assessment.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def _assert_measure_queries(self, name):
        """The figures are MEASURE_QUERIES queries; the whole button (the
        assessment, its lines and elements read and written besides) at most
        BUTTON_QUERIES, once the lines exist and the ORM's caches are warm."""
        assessment = self._assessment(name)
        assessment.action_measure()  # makes the lines' values
        assessment.action_measure()  # warms the caches
        company = self.env.company
        # The chatter's tracking of the buttons (a pre-commit hook) written first.
        self.env.cr.flush()
        self.env.flush_all()
        # Measuring writes nothing: no flush after it to count.
        # The user's time zone (today's date) in the cache, as in a request.
        self.assertFalse(self.env.user.tz is None)
        with self.assertQueryCount(MEASURE_QUERIES, flush=False):
            self.env["lab.assessment.measure"]._measure(
                company, assessment.date_from, assessment.date_to
            )
        self.env.invalidate_all()
        with self.assertQueryCount(BUTTON_QUERIES):
            assessment.action_measure()

    def test_query_count_does_not_grow_with_customers(self):
        """As many queries with the fixture's 4 customers as with 22 (18 more,
        each with a sample and an invoice)."""
        self._assert_measure_queries("Small")
        for n in range(18):
            partner = self.env["res.partner"].create(
                {"name": f"Extra {n}", "is_company": True, "user_id": self.lab_user.id}
            )
            self._sample(partner, received_datetime=datetime(2025, 8, 1, 2))
            self._invoice(partner, "2025-08-01", 100.0)
        self._assert_measure_queries("Large")
