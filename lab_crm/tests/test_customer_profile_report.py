from lxml import html as lxml_html

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from .sample_common import LabSampleCommon

REPORT = "lab_crm.lab_customer_profile_report"
TODAY = "2026-06-30 12:00:00"


@tagged("post_install", "-at_install")
class TestCustomerProfileReport(LabSampleCommon):
    """The printable customer profile, built for Jiangnan Textile on 30 June 2026:

    - invoice 1000 on 10 May (due 31 May, unpaid) and credit note 200 on 20 May
      (due 20 May): May's revenue 800; invoice 5000 of 15 June 2025 (due 15 July
      2025, 350 days overdue), before the 12 months: open receivable 5800;
    - samples received 5 May and 1 June, one of 2 June cancelled: 2 received and
      1 cancelled; May 1 sample, June 1;
    - one complaint (new, open), one survey answered on 15 June (accuracy 4,
      attitude 5: overall 4.50), one segment snapshot on 20 June (tier A).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.accountant = new_test_user(
            cls.env,
            login="lab_accountant",
            groups="account.group_account_invoice,lab_crm.group_lab_crm_user",
            company_id=company.id,
        )
        cls.advisor = new_test_user(
            cls.env,
            login="lab_advisor",
            groups="lab_crm.group_lab_crm_sensitive",
            company_id=company.id,
        )
        cls.outsider = new_test_user(
            cls.env,
            login="lab_outsider",
            groups="lab_crm.group_lab_crm_user",
            company_id=company.id,
        )
        cls.customer.write(
            {
                "customer_category": "manufacturer",
                "ownership_type": "private",
                "enterprise_scale": "medium",
                "social_credit_code": "91110108551385082Q",
                "legal_representative": "Wang Fang",
                "importance_grade": "a",
                "acquisition_channel": "exhibition",
                "lifecycle_stage": "active",
                # The account team: lab_user, the accountant and the advisor.
                "service_manager_id": cls.accountant.id,
                "technical_advisor_id": cls.advisor.id,
            }
        )
        Qualification = cls.env["lab.qualification"]
        Qualification.create(
            [
                {
                    "partner_id": cls.customer.id,
                    "name": "Cotton fabrics",
                    "number": "CCC-2026-0001",
                    "issuer": "CQC",
                    "expiry_date": "2028-12-31",
                },
                {
                    "partner_id": cls.customer.id,
                    "qualification_type": "production_licence",
                    "name": "Dyeing",
                    "number": "XK-13-002",
                    "issuer": "SAMR",
                },
            ]
        )
        cls.env["lab.key.person"].with_user(cls.advisor).create(
            {
                "partner_id": cls.customer.id,
                "personality": "Keen golfer, dislikes small talk",
            }
        )

    def _move(self, amount, day, due, move_type="out_invoice"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": day,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Testing", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _build_history(self):
        self._move(1000, "2026-05-10", "2026-05-31")
        self._move(200, "2026-05-20", "2026-05-20", move_type="out_refund")
        self.old_invoice = self._move(5000, "2025-06-15", "2025-07-15")
        self._sample(received_datetime="2026-05-05 03:00:00")
        self._sample(received_datetime="2026-06-01 03:00:00")
        self._sample(received_datetime="2026-06-02 03:00:00").action_cancel()
        self.complaint = self.env["lab.complaint"].create(
            {
                "partner_id": self.customer.id,
                "summary": "Colour fastness result disputed",
                "category": "data_accuracy",
                "received_date": "2026-06-10",
            }
        )
        survey = self.env["lab.survey"].create({"partner_id": self.customer.id})
        with freeze_time("2026-06-15 08:00:00"):
            survey._record_answer({"score_accuracy": 4, "score_attitude": 5})
        # Snapshots and risks are written by the nightly runs only.
        company = self.env.company
        self.env["lab.segment.snapshot"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": company.id,
                "date": "2026-06-20",
                "tier": "A",
                "r_score": 5,
                "f_score": 4,
                "m_score": 3,
                "rfm_segment": "champions",
                "probability_alive": 0.87,
                "clv": 12345.0,
                "loyalty_type": "true_loyalty",
                "churn_level": "medium",
                "churn_reasons": "declining",
                "suggested_categories": "Textiles",
            }
        )
        self.env["lab.customer.risk"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": company.id,
                "date": "2026-06-29",
                "probability": 0.6,
                "risk_class": "medium",
                "factors": "Pays late",
            }
        )

    def _render(self, user, partners=None):
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(REPORT, (partners or self.customer).ids)
        )
        return html.decode()

    @freeze_time(TODAY)
    def test_figures_computed_by_hand(self):
        self._build_history()
        values = (
            self.env["report.lab_crm.lab_customer_profile_document"]
            .with_user(self.lab_user)
            ._get_report_values(self.customer.ids)
        )
        profile = values["profiles"][self.customer.id]
        curve = {str(row["month"])[:7]: row for row in profile["curve"]}
        self.assertEqual(len(curve), 12)
        self.assertEqual(min(curve), "2025-07")  # June 2025 is out
        self.assertEqual(max(curve), "2026-06")
        may, june = curve["2026-05"], curve["2026-06"]
        self.assertAlmostEqual(may["revenue"], 800.0)  # 1000 - 200
        self.assertEqual(may["sample_count"], 1)
        self.assertIsNone(may["satisfaction"])
        self.assertFalse(may["tier"])
        self.assertAlmostEqual(june["revenue"], 0.0)
        self.assertEqual(june["sample_count"], 1)  # the cancelled one uncounted
        self.assertAlmostEqual(june["satisfaction"], 4.5)
        self.assertEqual(june["tier"], "A")
        self.assertEqual(sum(row["revenue"] for row in curve.values()), 800.0)
        self.assertEqual(profile["sample_total"], 3)
        self.assertEqual(profile["sample_states"], [("Received", 2), ("Cancelled", 1)])
        self.assertEqual(profile["complaint_counts"], {"open": 1, "closed": 0})
        self.assertEqual(len(profile["qualifications"]), 2)
        self.assertEqual(len(profile["samples"]), 3)
        self.assertEqual(profile["snapshot"].churn_reason_text, "revenue falling")

        html = self._render(self.lab_user)
        for text in (
            "Jiangnan Textile",
            "91110108551385082Q",
            "Wang Fang",
            "CCC-2026-0001",
            "XK-13-002",
            self.complaint.name,
            "Colour fastness result disputed",
            "Champions",
            "revenue falling",
            "4.50",
        ):
            self.assertIn(text, html)
        rows = lxml_html.fromstring(html).xpath(
            "//table[contains(@class, 'o_lab_relationship_curve')]/tbody/tr"
        )
        self.assertEqual(len(rows), 12)
        may_cells = [cell.text_content().strip() for cell in rows[10]]
        self.assertIn("800.00", may_cells[1])
        self.assertEqual(may_cells[2], "1")

    @freeze_time(TODAY)
    def test_arrears_only_for_accountants_and_managers(self):
        self._build_history()
        for user in (self.accountant, self.lab_manager):
            html = self._render(user)
            self.assertIn("o_lab_profile_arrears", html, user.login)
            self.assertIn("5,800.00", html)  # 5000 + 1000 - 200
            self.assertIn(f"<span>{self.old_invoice.name}</span>,", html)
            self.assertIn("350 days overdue", html)
        html = self._render(self.lab_user)
        self.assertNotIn("o_lab_profile_arrears", html)
        self.assertNotIn("Open Receivable", html)
        self.assertIn("Payment Risk: <span>Medium</span>", html)

    @freeze_time(TODAY)
    def test_key_persons_never_printed(self):
        self._build_history()
        html = self._render(self.advisor)  # may read the key persons
        self.assertNotIn("Keen golfer", html)
        self.assertNotIn("Key Person", html)

    def test_a_user_off_the_account_team_cannot_print(self):
        with self.assertRaises(AccessError):
            self._render(self.outsider)

    @freeze_time(TODAY)
    def test_several_customers_one_page_each_and_pdf(self):
        self._build_history()
        other = self.env["res.partner"].create(
            {"name": "Suzhou Silk", "is_company": True, "user_id": self.lab_user.id}
        )
        customers = self.customer | other
        html = self._render(self.lab_user, customers)
        articles = lxml_html.fromstring(html).xpath(
            "//div[contains(concat(' ', @class, ' '), ' article ')]"
        )
        self.assertEqual(len(articles), 2)
        self.assertIn("Jiangnan Textile", articles[0].text_content())
        self.assertIn("Suzhou Silk", articles[1].text_content())
        self.assertIn("No sample.", articles[1].text_content())
        # One customer: an unpatched wkhtmltopdf cannot join several documents.
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_user(self.lab_user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.customer.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))

    @freeze_time(TODAY)
    def test_query_count_does_not_grow_with_the_number_of_customers(self):
        self._build_history()
        others = self.env["res.partner"].create(
            [
                {
                    "name": f"Customer {n}",
                    "is_company": True,
                    "user_id": self.lab_user.id,
                }
                for n in range(6)
            ]
        )
        self.env["lab.sample"].create(
            [{"partner_id": other.id, "sample_name": "Silk"} for other in others]
        )
        self.env.flush_all()
        Report = self.env["ir.actions.report"].with_user(self.lab_user)

        def queries_to_render(partners):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Report._render_qweb_html(REPORT, partners.ids)
            return self.env.cr.sql_log_count - before

        queries_to_render(self.customer)  # warm the caches
        few = queries_to_render(self.customer | others[:1])
        many = queries_to_render(self.customer | others)
        self.assertGreater(few, 0)
        self.assertEqual(few, many)
