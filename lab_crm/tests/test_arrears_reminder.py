from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import call_kw
from odoo.tests import freeze_time, new_test_user, tagged

from .sample_common import LabSampleCommon

TODAY = "2026-06-30"
STATEMENT = "lab_crm.lab_customer_statement_report"


@tagged("post_install", "-at_install")
class TestArrearsReminder(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.accountant = new_test_user(
            cls.env,
            login="reminder_accountant",
            groups="account.group_account_invoice",
            company_id=company.id,
        )
        cls.crm_manager = new_test_user(
            cls.env,
            login="reminder_crm_manager",
            groups="lab_crm.group_lab_crm_manager",
            company_id=company.id,
        )
        cls.friendly = cls.env.ref("lab_crm.lab_arrears_reminder_level_friendly")
        cls.second = cls.env.ref("lab_crm.lab_arrears_reminder_level_second")
        cls.final = cls.env.ref("lab_crm.lab_arrears_reminder_level_final")
        Partner = cls.env["res.partner"]
        cls.suzhou, cls.ningbo, cls.hangzhou, cls.wuxi = Partner.create(
            [
                {"name": name, "is_company": True, "email": email}
                for name, email in (
                    ("Suzhou Silk", "ap@suzhou-silk.example.com"),
                    ("Ningbo Garments", "ap@ningbo-garments.example.com"),
                    ("Hangzhou Dyeing", "ap@hangzhou-dyeing.example.com"),
                    ("Wuxi Fibres", "ap@wuxi-fibres.example.com"),
                )
            ]
        )
        # Ningbo's reminders go to its invoice address.
        cls.ningbo_billing = Partner.create(
            {
                "name": "Wang Fang",
                "parent_id": cls.ningbo.id,
                "type": "invoice",
                "email": "wang.fang@ningbo-garments.example.com",
            }
        )
        cls.Reminder = cls.env["lab.arrears.reminder"].with_user(cls.accountant)

    def _invoice(self, customer, amount, date, due):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": date,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Testing", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _register_payment(self, invoice, amount, date):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": date})._create_payments()

    def _build_arrears(self):
        """Open on 2026-06-30 (days overdue in brackets); the oldest overdue
        invoice decides the level (7, 30 and 60 days):
          Suzhou   S1  800, due 06-20 (10); S2 250, due 07-15 (not due)  -> friendly
          Ningbo   N1 1000, due 05-16 (45), 400 paid -> 600; N2 500,
                   due 06-10 (20)                                        -> second
          Hangzhou H1 2000, due 03-31 (91)                               -> final
          Wuxi     W1  700, due 06-27 (3)                                -> none
        """
        inv = {
            "S1": self._invoice(self.suzhou, 800, "2026-06-01", "2026-06-20"),
            "S2": self._invoice(self.suzhou, 250, "2026-06-15", "2026-07-15"),
            "N1": self._invoice(self.ningbo, 1000, "2026-04-16", "2026-05-16"),
            "N2": self._invoice(self.ningbo, 500, "2026-05-11", "2026-06-10"),
            "H1": self._invoice(self.hangzhou, 2000, "2026-03-01", "2026-03-31"),
            "W1": self._invoice(self.wuxi, 700, "2026-05-28", "2026-06-27"),
        }
        self._register_payment(inv["N1"], 400, "2026-06-05")
        return inv

    def _reminder(self, customer, state="draft"):
        return self.Reminder.search(
            [("partner_id", "=", customer.id), ("state", "=", state)]
        )

    @freeze_time(TODAY)
    def test_one_reminder_per_customer_at_the_level_reached(self):
        inv = self._build_arrears()
        reminders = self.Reminder._propose_reminders()
        self.assertEqual(
            {reminder.partner_id: reminder.level_id for reminder in reminders},
            {
                self.suzhou: self.friendly,
                self.ningbo: self.second,
                self.hangzhou: self.final,
            },
        )
        ningbo = reminders.filtered(lambda r: r.partner_id == self.ningbo)
        self.assertEqual(ningbo.line_ids.move_id, inv["N1"] | inv["N2"])
        self.assertEqual(ningbo.line_ids.mapped("days_overdue"), [45, 20])
        self.assertEqual(ningbo.line_ids.mapped("amount_residual"), [600.0, 500.0])
        self.assertAlmostEqual(ningbo.amount_overdue, 1100.0)
        self.assertEqual(ningbo.max_days_overdue, 45)
        self.assertEqual(ningbo.oldest_move_id, inv["N1"])
        self.assertEqual(ningbo.contact_id, self.ningbo_billing)
        suzhou = reminders.filtered(lambda r: r.partner_id == self.suzhou)
        self.assertEqual(suzhou.line_ids.move_id, inv["S1"])  # S2 is not due
        self.assertAlmostEqual(suzhou.amount_overdue, 800.0)
        self.assertEqual(suzhou.contact_id, self.suzhou)
        hangzhou = reminders.filtered(lambda r: r.partner_id == self.hangzhou)
        self.assertEqual(hangzhou.max_days_overdue, 91)
        self.assertTrue(all(reminder.state == "draft" for reminder in reminders))
        self.assertEqual(self.suzhou.with_user(self.accountant).lab_reminder_count, 1)

    @freeze_time(TODAY)
    def test_no_duplicate_on_a_second_run(self):
        self._build_arrears()
        first = self.Reminder._propose_reminders()
        first.filtered(lambda r: r.partner_id == self.hangzhou).action_send()
        first.filtered(lambda r: r.partner_id == self.suzhou).action_cancel()
        # Again, as the list's "Propose Reminders" button does it.
        action = call_kw(self.Reminder, "action_propose_reminders", [[]], {})
        amount = self.env.company.currency_id.format(1100.0)  # Ningbo's
        self.assertEqual(
            action["params"]["message"],
            f"Reminders to review: 1, for {amount} overdue.",
        )
        # Ningbo keeps its draft; Hangzhou received, and Suzhou was spared, the
        # level of their oldest overdue invoice.
        self.assertEqual(self.Reminder.search([]), first)
        self.assertEqual(
            self._reminder(self.ningbo), first.filtered(lambda r: r.state == "draft")
        )

    @freeze_time(TODAY)
    def test_a_new_level_is_proposed_once_crossed(self):
        inv = self._build_arrears()
        self.Reminder._propose_reminders().action_send()
        with freeze_time("2026-07-21"):
            # S1 31 days overdue, N1 66, H1 112 (final notice sent), W1 24.
            proposed = self.Reminder._propose_reminders()
            self.assertEqual(
                {reminder.partner_id: reminder.level_id for reminder in proposed},
                {
                    self.suzhou: self.second,
                    self.ningbo: self.final,
                    self.wuxi: self.friendly,
                },
            )
            suzhou = proposed.filtered(lambda r: r.partner_id == self.suzhou)
            # S2, due 07-15, is now overdue too.
            self.assertEqual(suzhou.line_ids.move_id, inv["S1"] | inv["S2"])
            self.assertEqual(suzhou.line_ids.mapped("days_overdue"), [31, 6])
            self.assertAlmostEqual(suzhou.amount_overdue, 1050.0)
            self.assertEqual(len(self._reminder(self.suzhou, "sent")), 1)

    @freeze_time(TODAY)
    def test_a_draft_follows_payments(self):
        inv = self._build_arrears()
        self.Reminder._propose_reminders()
        ningbo = self._reminder(self.ningbo)
        suzhou = self._reminder(self.suzhou)
        self._register_payment(inv["S1"], 800, "2026-07-01")
        self._register_payment(inv["N2"], 500, "2026-07-01")
        with freeze_time("2026-07-02"):
            self.Reminder._propose_reminders()
        self.assertEqual(suzhou.state, "cancelled")  # nothing overdue any more
        self.assertIn("nothing is overdue", suzhou.message_ids[0].body)
        self.assertEqual(self._reminder(self.ningbo), ningbo)  # brought up to date
        self.assertEqual(ningbo.line_ids.move_id, inv["N1"])
        self.assertEqual(ningbo.line_ids.days_overdue, 47)
        self.assertAlmostEqual(ningbo.amount_overdue, 600.0)

    @freeze_time(TODAY)
    def test_send_queues_the_email_and_logs_on_the_customer(self):
        inv = self._build_arrears()
        self.Reminder._propose_reminders()
        ningbo = self._reminder(self.ningbo)
        ningbo.action_send()
        self.assertEqual(ningbo.state, "sent")
        self.assertEqual(ningbo.sent_user_id, self.accountant)
        mail = self.env["mail.mail"].search(
            [("model", "=", ningbo._name), ("res_id", "=", ningbo.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.ningbo_billing)
        self.assertIn("second payment reminder", mail.subject)
        for name in (inv["N1"].name, inv["N2"].name):
            self.assertIn(name, mail.body_html)
        self.assertIn("1,100.00", mail.body_html)
        note = self.ningbo.message_ids[0]
        self.assertIn("Second Reminder", note.body)
        self.assertIn("Wang Fang", note.body)
        self.assertIn("the oldest 45 days", note.body)
        with self.assertRaisesRegex(UserError, "Only draft"):
            ningbo.action_send()

    @freeze_time(TODAY)
    def test_send_refuses_a_contact_without_email(self):
        self._build_arrears()
        self.Reminder._propose_reminders()
        self.hangzhou.email = False
        with self.assertRaisesRegex(UserError, "no e-mail address"):
            self._reminder(self.hangzhou).action_send()

    @freeze_time(TODAY)
    def test_contact_and_invoices_are_the_customers_own(self):
        inv = self._build_arrears()
        self.Reminder._propose_reminders()
        ningbo = self._reminder(self.ningbo)
        self.assertEqual(ningbo.contact_id, self.ningbo_billing)
        # Accepted: another of Ningbo's contacts, and Ningbo's own invoices.
        buyer = self.env["res.partner"].create(
            {"name": "Li Na", "parent_id": self.ningbo.id, "email": "li@ningbo.example"}
        )
        ningbo.contact_id = buyer
        self.assertEqual(
            ningbo.line_ids.move_id, inv["N1"] | inv["N2"], "proposed lines: Ningbo's"
        )
        # Refused: Suzhou's address, or Suzhou's invoice, on Ningbo's reminder.
        with (
            self.assertRaisesRegex(ValidationError, "is not a contact of"),
            self.env.cr.savepoint(),
        ):
            ningbo.contact_id = self.suzhou
        with (
            self.assertRaisesRegex(ValidationError, "is not one of Ningbo"),
            self.env.cr.savepoint(),
        ):
            ningbo.write({"line_ids": [Command.create({"move_id": inv["S1"].id})]})
        with (
            self.assertRaisesRegex(ValidationError, "is not one of Ningbo"),
            self.env.cr.savepoint(),
        ):
            self.env["lab.arrears.reminder.line"].with_user(self.accountant).create(
                {"reminder_id": ningbo.id, "move_id": inv["S1"].id}
            )
        # Nor may the reminder move to another customer with Ningbo's lines.
        with (
            self.assertRaisesRegex(ValidationError, "is not"),
            self.env.cr.savepoint(),
        ):
            ningbo.partner_id = self.suzhou
        self.assertEqual(ningbo.contact_id, buyer)
        self.assertEqual(ningbo.line_ids.move_id, inv["N1"] | inv["N2"])

    @freeze_time(TODAY)
    def test_access(self):
        self._build_arrears()
        self.Reminder._propose_reminders()
        Reminder = self.env["lab.arrears.reminder"]
        with self.assertRaises(AccessError):
            Reminder.with_user(self.lab_user).search([])
        with self.assertRaises(AccessError):
            Reminder.with_user(self.lab_user)._propose_reminders()
        # A Lab CRM manager reads the reminders but does not send them.
        reminders = Reminder.with_user(self.crm_manager).search([])
        self.assertEqual(len(reminders), 3)
        with self.assertRaises(AccessError):
            reminders.action_send()
        with self.assertRaises(AccessError):
            self.env.ref("lab_crm.lab_arrears_reminder_level_final").with_user(
                self.accountant
            ).days_overdue = 90
        # Accountants delete proposals, never the history.
        sent = self._reminder(self.hangzhou)
        sent.action_send()
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            sent.unlink()
        self._reminder(self.suzhou).unlink()

    @freeze_time(TODAY)
    def test_statement(self):
        inv = self._build_arrears()
        Report = (
            self.env["ir.actions.report"]
            .with_user(self.accountant)
            .with_context(force_report_rendering=True)
        )
        pdf, _format = Report._render_qweb_pdf(STATEMENT, self.suzhou.ids)
        self.assertTrue(pdf.startswith(b"%PDF"))
        html, _format = Report._render_qweb_html(STATEMENT, self.suzhou.ids)
        html = html.decode()
        for name in (inv["S1"].name, inv["S2"].name):
            self.assertIn(name, html)
        self.assertNotIn(inv["N1"].name, html)
        self.assertIn("1,050.00", html)  # 800 (1-30 days) + 250 (not due)
        with self.assertRaises(AccessError):
            Report.with_user(self.lab_user)._render_qweb_html(
                STATEMENT, self.suzhou.ids
            )
