from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged

from ..models.account_move_line import init_paid_date
from .sample_common import LabSampleCommon

TODAY = "2026-06-30"


@tagged("post_install", "-at_install")
class TestArrears(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 2 units of the foreign currency per unit of company currency in 2026.
        cls.foreign = cls.setup_other_currency("EUR", rates=[("2016-01-01", 2.0)])
        cls.accountant = new_test_user(
            cls.env,
            login="accountant",
            groups="account.group_account_invoice",
            company_id=cls.env.company.id,
        )

    def _move(self, amount, date, due, move_type="out_invoice", currency=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": date,
                "invoice_date_due": due,
                "currency_id": (currency or self.env.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Testing", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _pay(self, invoice, amount, date):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": date})._create_payments()

    def _build_history(self):
        # Open on 2026-06-30 (days overdue in brackets):
        #   INV1 1000, due 05-31 (30), 400 paid        -> 600 in 1-30
        #   INV2  500, due 03-31 (91)                  -> 500 over 90
        #   INV3  200, due 07-25 (not due)             -> 200 not due
        #   REF   150 credit note, due 06-10 (20)      -> -150 in 1-30
        #   INV4  100 EUR = 50, due 04-15 (76)         -> 50 in 61-90
        # Paid in the last 24 months:
        #   INV5  300, due 01-31, paid 02-10           -> 10 days late
        #   INV6  100, due 03-03, paid 03-01           -> on time
        inv1 = self._move(1000, "2026-05-01", "2026-05-31")
        self._pay(inv1, 400, "2026-06-05")
        inv2 = self._move(500, "2026-03-01", "2026-03-31")
        self._move(200, "2026-06-25", "2026-07-25")
        self._move(150, "2026-06-10", "2026-06-10", move_type="out_refund")
        self._move(100, "2026-04-01", "2026-04-15", currency=self.foreign)
        inv5 = self._move(300, "2026-01-01", "2026-01-31")
        self._pay(inv5, 300, "2026-02-10")
        inv6 = self._move(100, "2026-02-01", "2026-03-03")
        self._pay(inv6, 100, "2026-03-01")
        return inv2

    @freeze_time(TODAY)
    def test_figures_computed_by_hand(self):
        inv2 = self._build_history()
        row = (
            self.env["lab.arrears.customer"]
            .with_user(self.accountant)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.amount_open, 1200.0)  # 600+500+200-150+50
        self.assertAlmostEqual(row.amount_not_due, 200.0)
        self.assertAlmostEqual(row.amount_1_30, 450.0)  # 600-150
        self.assertAlmostEqual(row.amount_31_60, 0.0)
        self.assertAlmostEqual(row.amount_61_90, 50.0)
        self.assertAlmostEqual(row.amount_over_90, 500.0)
        self.assertAlmostEqual(row.amount_overdue, 1000.0)  # 450+50+500
        self.assertEqual(row.oldest_overdue_move_id, inv2)
        self.assertEqual(row.max_days_overdue, 91)
        self.assertEqual(row.paid_invoice_count, 2)
        self.assertAlmostEqual(row.avg_days_late, 5.0)  # (10+0)/2
        self.assertAlmostEqual(row.weighted_days_late, 7.5)  # (10*300+0*100)/400
        self.assertAlmostEqual(row.on_time_share, 50.0)
        buckets = {
            bucket: amount
            for bucket, amount in self.env["lab.arrears.line"]._read_group(
                [("partner_id", "=", self.customer.id)],
                ["bucket"],
                ["amount_residual:sum"],
            )
        }
        self.assertEqual(
            buckets, {"not_due": 200.0, "1_30": 450.0, "61_90": 50.0, "over_90": 500.0}
        )

    @freeze_time(TODAY)
    def test_amounts_that_cancel_out_are_zero(self):
        """0.10 + 0.20 overdue, and a 0.30 credit note overdue too: nothing
        overdue, exactly (summed in binary floating point, 0.1 + 0.2 - 0.3 is
        5.55e-17), so the customer is not in the Overdue filter."""
        self._move(0.10, "2026-05-01", "2026-05-31")
        self._move(0.20, "2026-05-01", "2026-05-31")
        self._move(0.30, "2026-05-01", "2026-05-31", move_type="out_refund")
        Arrears = self.env["lab.arrears.customer"].with_user(self.accountant)
        row = Arrears.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(row.amount_overdue, 0.0)
        self.assertEqual(row.amount_1_30, 0.0)
        self.assertEqual(row.amount_open, 0.0)
        self.assertFalse(
            Arrears.search(
                [("partner_id", "=", self.customer.id), ("amount_overdue", ">", 0)]
            )
        )

    @freeze_time(TODAY)
    def test_paid_date_is_the_last_reconciliation(self):
        """lab_paid_date: empty while partly paid, the day of the payment that
        completes it, empty again when that payment is taken back; the SQL that
        fills it at install and upgrade gives the same dates."""
        invoice = self._move(1000, "2026-05-01", "2026-05-31")
        receivable = invoice.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self._pay(invoice, 400, "2026-06-05")
        self.assertFalse(receivable.lab_paid_date)
        self._pay(invoice, 600, "2026-06-12")
        self.assertEqual(str(receivable.lab_paid_date), "2026-06-12")
        inv5 = self._move(300, "2026-01-01", "2026-01-31")
        self._pay(inv5, 300, "2026-02-10")
        self.env.flush_all()
        lines = self.env["account.move.line"].search(
            [("partner_id", "=", self.customer.id)]
        )
        computed = {line.id: line.lab_paid_date for line in lines}
        self.assertEqual(
            sorted(str(d) for d in computed.values() if d),
            ["2026-02-10", "2026-06-12"],
        )
        self.env.cr.execute(
            "UPDATE account_move_line SET lab_paid_date = NULL WHERE id = ANY(%s)",
            [lines.ids],
        )
        init_paid_date(self.env.cr)
        lines.invalidate_recordset(["lab_paid_date"])
        self.assertEqual({line.id: line.lab_paid_date for line in lines}, computed)

        # The last payment taken back: not paid any more.
        receivable.matched_credit_ids.sorted("max_date")[-1:].unlink()
        self.assertFalse(receivable.lab_paid_date)

    @freeze_time(TODAY)
    def test_an_item_on_a_contact_counts_for_its_company(self):
        """A journal entry may put the receivable on a contact of the customer:
        the figures group it under the commercial partner."""
        contact = self.env["res.partner"].create(
            {"name": "Accounts desk", "parent_id": self.customer.id}
        )
        receivable = self.customer.property_account_receivable_id
        income = self.env["account.account"].search(
            [
                ("account_type", "=", "income"),
                ("company_ids", "in", self.env.company.id),
            ],
            limit=1,
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": "2026-06-01",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": receivable.id,
                            "partner_id": contact.id,
                            "debit": 70.0,
                            "date_maturity": "2026-06-20",
                        }
                    ),
                    Command.create({"account_id": income.id, "credit": 70.0}),
                ],
            }
        )
        entry.action_post()
        self._move(30, "2026-06-25", "2026-07-25")  # on the company itself
        row = self.env["lab.arrears.customer"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(len(row), 1)
        self.assertAlmostEqual(row.amount_open, 100.0)  # 70 + 30
        self.assertAlmostEqual(row.amount_1_30, 70.0)  # due 06-20: 10 days
        self.assertAlmostEqual(row.amount_not_due, 30.0)
        self.assertEqual(row.oldest_overdue_move_id, entry)
        self.assertEqual(row.max_days_overdue, 10)
        self.assertFalse(
            self.env["lab.arrears.customer"].search([("partner_id", "=", contact.id)])
        )

    @freeze_time(TODAY)
    def test_crm_user_does_not_read_arrears(self):
        with self.assertRaises(AccessError):
            self.env["lab.arrears.customer"].with_user(self.lab_user).search([])
        with self.assertRaises(AccessError):
            self.env["lab.arrears.line"].with_user(self.lab_user).search([])

    @freeze_time(TODAY)
    def test_hold_blocks_testing_and_orders_until_lifted(self):
        self.env.company.lab_credit_hold_overdue_days = 60
        self._build_history()  # INV2 is 91 days overdue
        sample = self._sample()
        sample.action_start_review()
        with self.assertRaisesRegex(UserError, "on credit hold") as error:
            sample.action_approve_review()
        self.assertIn("91 days overdue", str(error.exception))
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.tensile.id})],
            }
        )
        with self.assertRaisesRegex(UserError, "on credit hold"):
            order.action_confirm()
        self.assertIn("91 days overdue", self.customer.lab_credit_hold_reason)

        Wizard = self.env["lab.credit.hold.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.lab_user).create(
                {"partner_id": self.customer.id, "reason": "Please"}
            )
        with self.assertRaises(AccessError):
            self.customer.with_user(
                self.lab_user
            ).lab_credit_hold_released_until = "2026-07-31"
        Wizard.with_user(self.lab_manager).create(
            {
                "partner_id": self.customer.id,
                "date_until": "2026-07-07",
                "reason": "Payment plan agreed",
            }
        ).action_confirm()
        self.assertIn("Payment plan agreed", self.customer.message_ids[0].body)
        sample.action_approve_review()
        self.assertEqual(sample.state, "testing")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        with freeze_time("2026-07-08"):  # the release has ended
            self.customer.invalidate_recordset()
            self.assertIn("days overdue", self.customer.lab_credit_hold_reason)

    @freeze_time(TODAY)
    def test_credit_limit_puts_on_hold(self):
        self.env.company.lab_credit_hold_overdue_days = 0
        self.env.company.account_use_credit_limit = True
        self.customer.credit_limit = 1000.0
        self._move(900, "2026-06-20", "2026-07-20")
        self.assertFalse(self.customer.lab_credit_hold_reason)
        self._move(200, "2026-06-21", "2026-07-21")  # 1100 open > 1000
        self.customer.invalidate_recordset()
        self.assertIn("over the credit limit", self.customer.lab_credit_hold_reason)
