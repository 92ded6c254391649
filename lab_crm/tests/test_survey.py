from psycopg2.errors import UniqueViolation

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .sample_common import LabSampleCommon


@tagged("post_install", "-at_install")
class TestSurvey(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.weaver = Partner.create(
            {"name": "Weaver", "is_company": True, "customer_category": "manufacturer"}
        )
        cls.dyer = Partner.create(
            {"name": "Dyer", "is_company": True, "customer_category": "manufacturer"}
        )
        cls.bureau = Partner.create(
            {"name": "Bureau", "is_company": True, "customer_category": "government"}
        )
        cls.campaign = cls.env["lab.survey.campaign"].create(
            {
                "name": "2026 manufacturers",
                "date_start": "2026-03-01",
                "target_domain": "[('customer_category', '=', 'manufacturer')]",
            }
        )

    def _survey(self, customer, **vals):
        return self.env["lab.survey"].create({"partner_id": customer.id, **vals})

    def test_scores_outside_their_range_are_refused(self):
        survey = self._survey(self.weaver)
        for score in (6, -1):
            with (
                self.subTest(score=score),
                self.assertRaisesRegex(ValidationError, "must be from 1 to 5"),
            ):
                survey.score_accuracy = score
        survey.score_accuracy = 5
        self.assertEqual(survey.score_accuracy, 5)

    def test_overall_score_averages_the_rated_dimensions(self):
        survey = self._survey(
            self.weaver, score_accuracy=5, score_turnaround=4, score_fees=3
        )
        self.assertAlmostEqual(survey.overall_score, 4.0)  # (5 + 4 + 3) / 3
        survey.nps = "6"
        self.assertEqual(survey.nps_category, "detractor")
        survey.nps = "9"
        self.assertEqual(survey.nps_category, "promoter")

    def test_campaign_targets_its_customers_once(self):
        self.campaign.action_generate_surveys()
        self.assertEqual(self.campaign.survey_ids.partner_id, self.weaver | self.dyer)
        self.campaign.action_generate_surveys()  # again: nothing new
        self.assertEqual(len(self.campaign.survey_ids), 2)
        spinner = self.env["res.partner"].create(
            {"name": "Spinner", "is_company": True, "customer_category": "manufacturer"}
        )
        self.campaign.action_generate_surveys()
        self.assertEqual(
            self.campaign.survey_ids.partner_id, self.weaver | self.dyer | spinner
        )
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self._survey(self.weaver, campaign_id=self.campaign.id, kind="campaign")
            self.env.flush_all()

    def test_sending_gives_a_long_random_link(self):
        self.campaign.action_generate_surveys()
        with freeze_time("2026-03-02"):
            self.campaign.action_send_surveys()
        first, second = self.campaign.survey_ids
        self.assertEqual({first.state, second.state}, {"sent"})
        self.assertNotEqual(first.access_token, second.access_token)
        self.assertGreaterEqual(len(first.access_token), 43)  # 32 bytes, base64
        self.assertEqual(str(first.token_expiry_date), "2026-04-01")  # 30 days
        self.assertTrue(first.answer_url.endswith(f"/lab/survey/{first.access_token}"))

    def test_answer_is_recorded_once_with_points(self):
        self.env.company.lab_survey_points_per_answer = 15
        survey = self._survey(self.weaver)
        survey._record_answer({"score_accuracy": 4})
        self.assertEqual(survey.state, "answered")
        self.assertEqual(self.weaver.lab_survey_points, 15)
        with self.assertRaisesRegex(UserError, "already answered"):
            survey._record_answer({"score_accuracy": 1})
        self.assertEqual(survey.score_accuracy, 4)
        self.assertEqual(self.weaver.lab_survey_points, 15)

    def test_campaign_analysis_computed_by_hand(self):
        self.bureau.user_id = self.lab_user
        self.campaign.target_domain = "[('id', 'in', %s)]" % [
            self.weaver.id,
            self.dyer.id,
            self.bureau.id,
        ]
        self.campaign.action_generate_surveys()
        by_customer = {s.partner_id: s for s in self.campaign.survey_ids}
        # weaver: accuracy 5, fees 2 -> overall 3.5; dyer: accuracy 3, fees 4,
        # attitude 5 -> overall 4.0; bureau: not answered.
        by_customer[self.weaver]._record_answer({"score_accuracy": 5, "score_fees": 2})
        by_customer[self.dyer]._record_answer(
            {"score_accuracy": 3, "score_fees": 4, "score_attitude": 5}
        )
        analysis = self.campaign._analysis()
        dims = {
            row["field"]: (row["count"], row["average"])
            for row in analysis["dimensions"]
        }
        self.assertEqual(dims["score_accuracy"], (2, 4.0))
        self.assertEqual(dims["score_fees"], (2, 3.0))
        self.assertEqual(dims["score_attitude"], (1, 5.0))
        self.assertEqual(dims["score_guidance"], (0, 0.0))
        self.assertEqual(
            [row["field"] for row in analysis["weakest"]],
            ["score_fees", "score_accuracy", "score_attitude"],
        )
        self.assertEqual(
            [(row["count"], row["average"]) for row in analysis["by_category"]],
            [(2, 3.75)],  # both answered surveys are manufacturers
        )
        self.assertEqual(
            [(row["count"], row["average"]) for row in analysis["by_manager"]],
            [(2, 3.75)],  # neither has an account manager
        )
        self.assertEqual(self.campaign.answered_count, 2)
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("lab_crm.lab_survey_campaign_report", self.campaign.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_customer_satisfaction_figures(self):
        with freeze_time("2025-03-01 08:00:00"):
            self._survey(self.weaver)._record_answer({"score_accuracy": 1})
        with freeze_time("2026-01-10 08:00:00"):
            self._survey(self.weaver)._record_answer({"score_accuracy": 4})
        with freeze_time("2026-05-10 08:00:00"):
            self._survey(self.weaver)._record_answer(
                {"score_accuracy": 5, "score_fees": 4}
            )
            self._survey(self.weaver)  # planned, not answered
        with freeze_time("2026-06-30 12:00:00"):
            self.weaver.invalidate_recordset()
            # Latest: 2026-05-10, (5 + 4) / 2 = 4.5. Last 12 months: 4.0 and 4.5.
            self.assertAlmostEqual(self.weaver.satisfaction_latest, 4.5)
            self.assertAlmostEqual(self.weaver.satisfaction_12m, 4.25)
            self.assertEqual(self.dyer.satisfaction_latest, 0.0)

    def test_satisfaction_counts_the_companies_worked_in(self):
        """Weaver is a customer of both companies: each company's figures count
        its own surveys, both companies' together when the user works in both."""
        company_a = self.env.company
        company_b = self.env["res.company"].create({"name": "Lab Shenzhen"})
        self.lab_manager.company_ids |= company_b
        with freeze_time("2026-05-10 08:00:00"):
            self._survey(self.weaver)._record_answer({"score_accuracy": 4})
        with freeze_time("2026-06-01 08:00:00"):
            self._survey(self.weaver, company_id=company_b.id)._record_answer(
                {"score_accuracy": 2}
            )
        with freeze_time("2026-06-30 12:00:00"):
            for companies, latest, average in (
                # Company A: its one survey, 4.0. Company B: 2.0, answered last.
                (company_a, 4.0, 4.0),
                (company_b, 2.0, 2.0),
                # Both: the latest is B's; the average (4 + 2) / 2 = 3.0.
                (company_a | company_b, 2.0, 3.0),
            ):
                with self.subTest(companies=companies.mapped("name")):
                    weaver = self.weaver.with_user(self.lab_manager).with_context(
                        allowed_company_ids=companies.ids
                    )
                    weaver.invalidate_recordset()
                    self.assertAlmostEqual(weaver.satisfaction_latest, latest)
                    self.assertAlmostEqual(weaver.satisfaction_12m, average)

    def test_campaign_analysis_counts_the_surveys_the_user_may_read(self):
        """A Lab CRM user's analysis counts their own customers' answers only; a
        manager's every answer."""
        colleague = self.lab_manager.copy({"login": "colleague"})
        self.weaver.user_id = self.lab_user
        self.dyer.user_id = colleague
        self.campaign.target_domain = "[('id', 'in', %s)]" % [
            self.weaver.id,
            self.dyer.id,
        ]
        self.campaign.action_generate_surveys()
        by_customer = {s.partner_id: s for s in self.campaign.survey_ids}
        # weaver: accuracy 5, fees 2 -> overall 3.5; dyer: accuracy 3, fees 4,
        # attitude 5 -> overall 4.0.
        by_customer[self.weaver]._record_answer({"score_accuracy": 5, "score_fees": 2})
        by_customer[self.dyer]._record_answer(
            {"score_accuracy": 3, "score_fees": 4, "score_attitude": 5}
        )
        for user, accuracy, fees, attitude, overall in (
            # The lab user: weaver only.
            (self.lab_user, (1, 5.0), (1, 2.0), (0, 0.0), [(1, 3.5)]),
            # The manager: weaver and dyer, (5 + 3) / 2, (2 + 4) / 2, (3.5 + 4) / 2.
            (self.lab_manager, (2, 4.0), (2, 3.0), (1, 5.0), [(2, 3.75)]),
        ):
            with self.subTest(user=user.login):
                analysis = self.campaign.with_user(user)._analysis()
                dims = {
                    row["field"]: (row["count"], row["average"])
                    for row in analysis["dimensions"]
                }
                self.assertEqual(dims["score_accuracy"], accuracy)
                self.assertEqual(dims["score_fees"], fees)
                self.assertEqual(dims["score_attitude"], attitude)
                self.assertEqual(
                    [(row["count"], row["average"]) for row in analysis["by_category"]],
                    overall,
                )


@tagged("post_install", "-at_install")
class TestFollowUp(LabSampleCommon):
    def _delivered_sample(self, day):
        sample = self._sample(items=self.tensile, report_number=f"R-{day}")
        sample.action_start_review()
        sample.action_approve_review()
        sample.action_report()
        with freeze_time(day):
            sample.action_deliver()
        return sample

    def _follow_ups(self):
        return self.env["lab.survey"].search(
            [("kind", "=", "follow_up"), ("partner_id", "=", self.customer.id)]
        )

    def test_one_follow_up_per_customer_per_period(self):
        self.env.company.lab_follow_up_delay_days = 7
        self.env.company.lab_follow_up_period_days = 90
        Survey = self.env["lab.survey"]
        first = self._delivered_sample("2026-06-01")
        with freeze_time("2026-06-07"):  # 6 days after delivery: too early
            Survey._cron_create_follow_ups()
        self.assertFalse(self._follow_ups())
        with freeze_time("2026-06-08"):  # 7 days
            Survey._cron_create_follow_ups()
        follow_up = self._follow_ups()
        self.assertEqual(len(follow_up), 1)
        self.assertEqual(follow_up.sample_id, first)
        self.assertEqual(str(follow_up.date), "2026-06-08")
        with freeze_time("2026-06-09"):
            Survey._cron_create_follow_ups()
        self.assertEqual(len(self._follow_ups()), 1)
        second = self._delivered_sample("2026-06-10")
        with freeze_time("2026-06-20"):  # within 90 days of the first visit
            Survey._cron_create_follow_ups()
        self.assertEqual(len(self._follow_ups()), 1)
        with freeze_time("2026-09-07"):  # 91 days after 8 June: a new period
            Survey._cron_create_follow_ups()
        self.assertEqual(len(self._follow_ups()), 2)
        self.assertEqual(self._follow_ups().sample_id, first | second)
