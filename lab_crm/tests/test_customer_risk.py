from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from .sample_common import LabSampleCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-30")
class TestCustomerRisk(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.prompt = Partner.create({"name": "Prompt Payer", "is_company": True})
        cls.late = Partner.create({"name": "Late Payer", "is_company": True})
        cls.newcomer = Partner.create({"name": "Newcomer", "is_company": True})

    def _invoice(self, partner, invoice_date, amount=100.0):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "invoice_date_due": invoice_date + timedelta(days=30),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Test", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _paid_history(self, partner, days_late):
        """12 monthly invoices of 2025, each paid ``days_late`` after its due date."""
        for month in range(1, 13):
            invoice = self._invoice(partner, date(2025, month, 1))
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"payment_date": invoice.invoice_date_due + timedelta(days=days_late)}
            )._create_payments()

    def test_late_payers_get_a_lower_probability_and_a_hold(self):
        self._paid_history(self.prompt, days_late=0)
        self._paid_history(self.late, days_late=25)
        self._invoice(self.newcomer, date(2026, 6, 1))  # open, not yet due
        self._invoice(self.late, date(2026, 6, 15))  # its next invoice, open
        risks = self.env["lab.customer.risk"]._refit()
        by_partner = {risk.partner_id: risk for risk in risks}
        self.assertEqual(set(by_partner), {self.prompt, self.late, self.newcomer})
        prompt, late, newcomer = (
            by_partner[self.prompt],
            by_partner[self.late],
            by_partner[self.newcomer],
        )
        self.assertGreater(prompt.probability, newcomer.probability)
        self.assertGreater(newcomer.probability, late.probability)
        self.assertEqual(prompt.risk_class, "low")
        self.assertEqual(late.risk_class, "high")
        self.assertIn("late", late.factors)
        self.assertFalse(newcomer.has_history)
        self.assertIn("no payment history", newcomer.factors.lower())

        # CRM users see the class only; accountants see the figures.
        self.assertEqual(self.late.with_user(self.lab_user).lab_risk_class, "high")
        with self.assertRaises(AccessError):
            self.late.with_user(self.lab_user).read(["lab_payment_probability"])
        self.assertAlmostEqual(self.late.lab_payment_probability, late.probability, 2)

        # High risk of late payment holds new work for a post-paid customer.
        sample = self._sample(customer=self.late)
        sample.action_start_review()
        with self.assertRaisesRegex(UserError, "High risk of late payment"):
            sample.action_approve_review()

    def test_too_little_history_uses_the_laboratory_rate(self):
        # 3 invoices paid (2 on time, 1 late) is under the 20 needed for a model.
        for days_late in (0, 0, 10):
            invoice = self._invoice(self.prompt, date(2025, 3, 1))
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create(
                {"payment_date": invoice.invoice_date_due + timedelta(days=days_late)}
            )._create_payments()
        [risk] = self.env["lab.customer.risk"]._refit()
        self.assertAlmostEqual(risk.probability, 2 / 3, places=3)  # stored to 0.001
        self.assertEqual(risk.risk_class, "medium")  # 0.5 <= 0.67 < 0.8
        self.assertIn("Too little payment history", risk.factors)
