from datetime import date, datetime

from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import mute_logger

from .sample_common import LabSampleCommon

# Friday 5 June 2026, 10:00 in Shanghai (02:00 UTC).
FRIDAY_MORNING = datetime(2026, 6, 5, 2, 0)


@tagged("post_install", "-at_install")
class TestSampleReference(LabSampleCommon):
    def test_references_are_unique_and_per_company(self):
        with freeze_time("2026-06-05"):
            first, second = self._sample(), self._sample()
        self.assertNotEqual(first.name, second.name)
        self.assertTrue(first.name.startswith("S2026-"), first.name)
        other_company = self.setup_other_company()["company"]
        sequences = self.env["ir.sequence"].search([("code", "=", "lab.sample")])
        self.assertIn(other_company, sequences.company_id)
        self.assertIn(self.env.company, sequences.company_id)


@tagged("post_install", "-at_install")
class TestPromisedDate(LabSampleCommon):
    def test_turnaround_is_the_longest_accepted_item(self):
        sample = self._sample()
        self.assertEqual(sample.turnaround_days, 5)
        sample.line_ids.filtered(lambda line: line.product_id == self.colour).write(
            {"is_rejected": True, "rejection_reason": "No washing machine free"}
        )
        self.assertEqual(sample.turnaround_days, 3)
        sample.turnaround_days = 7  # set by hand
        self.assertEqual(sample.turnaround_days, 7)

    def test_promised_date_skips_the_weekend_and_a_holiday(self):
        # Reception day not counted. 3 working days after Friday 5 June:
        # Mon 8, Tue 9, Wed 10.
        sample = self._sample(items=self.tensile, received_datetime=FRIDAY_MORNING)
        self.assertEqual(sample.promised_date, date(2026, 6, 10))
        # With Monday 8 June a public holiday: Tue 9, Wed 10, Thu 11.
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 6, 7, 16, 0),  # 8 June 00:00 Shanghai
                "date_to": datetime(2026, 6, 8, 15, 59, 59),
            }
        )
        sample = self._sample(items=self.tensile, received_datetime=FRIDAY_MORNING)
        self.assertEqual(sample.promised_date, date(2026, 6, 11))

    def test_received_late_evening_counts_in_the_company_time_zone(self):
        # 23:30 UTC on Thursday 4 June is already Friday 07:30 in Shanghai.
        sample = self._sample(
            items=self.tensile, received_datetime=datetime(2026, 6, 4, 23, 30)
        )
        self.assertEqual(sample.promised_date, date(2026, 6, 10))


@tagged("post_install", "-at_install")
class TestSampleWorkflow(LabSampleCommon):
    def _tested_sample(self):
        sample = self._sample()
        sample.action_start_review()
        sample.action_approve_review()
        return sample

    def test_the_whole_allowed_path(self):
        sample = self._sample().with_user(self.lab_user)
        self.assertEqual(sample.state, "received")
        sample.action_start_review()
        self.assertEqual(sample.state, "review")
        sample.review_remarks = "Method agreed with the customer"
        sample.action_approve_review()
        self.assertEqual(sample.state, "testing")
        self.assertEqual(sample.review_user_id, self.lab_user)
        self.assertTrue(sample.review_datetime)
        self.assertEqual(sample.sale_order_id.state, "sale")
        sample.report_number = "R2026-0001"
        sample.action_report()
        self.assertEqual(sample.state, "reported")
        self.assertTrue(sample.report_date)
        sample.action_deliver()
        self.assertEqual(sample.state, "delivered")

    def test_refused_moves(self):
        refused = {
            "received": ["testing", "reported", "delivered"],
            "review": ["reported", "delivered"],
            "testing": ["received", "review", "delivered"],
            "reported": ["received", "review", "cancelled"],
            "delivered": ["received", "review", "testing", "reported", "cancelled"],
            "cancelled": ["review", "testing", "reported", "delivered"],
        }
        for old, targets in refused.items():
            for new in targets:
                with self.subTest(old=old, new=new):
                    sample = self._sample()
                    sample.sudo()._write({"state": old})  # put it there directly
                    sample.invalidate_recordset(["state"])
                    with self.assertRaisesRegex(UserError, "cannot go from"):
                        sample.write({"state": new})

    def test_allowed_moves(self):
        allowed = [
            ("received", "review"),
            ("received", "cancelled"),
            ("review", "testing"),
            ("review", "received"),
            ("review", "cancelled"),
            ("testing", "reported"),
            ("testing", "cancelled"),
            ("reported", "delivered"),
            ("reported", "testing"),  # a re-test after a complaint
            ("cancelled", "received"),
        ]
        for old, new in allowed:
            with self.subTest(old=old, new=new):
                sample = self._sample(report_number=f"R-{old}-{new}")
                sample.sudo()._write({"state": old})  # put it there directly
                sample.invalidate_recordset(["state"])
                sample.write({"state": new})
                self.assertEqual(sample.state, new)

    def test_other_allowed_moves(self):
        sample = self._sample()
        sample.action_start_review()
        sample.action_back_to_received()
        self.assertEqual(sample.state, "received")
        sample.action_cancel()
        sample.action_back_to_received()
        self.assertEqual(sample.state, "received")
        tested = self._tested_sample()
        tested.action_cancel()
        self.assertEqual(tested.state, "cancelled")

    def test_testing_needs_an_accepted_item(self):
        sample = self._sample(items=self.tensile)
        sample.line_ids.write({"is_rejected": True, "rejection_reason": "Out of scope"})
        sample.action_start_review()
        with self.assertRaisesRegex(UserError, "no accepted test item"):
            sample.action_approve_review()

    def test_rejected_item_needs_a_reason(self):
        sample = self._sample()
        with self.assertRaisesRegex(ValidationError, "Say why"):
            sample.line_ids[0].is_rejected = True

    def test_reporting_needs_a_report_number_unique_per_company(self):
        sample = self._tested_sample()
        with self.assertRaisesRegex(UserError, "Give the report number"):
            sample.action_report()
        sample.report_number = "R2026-0001"
        sample.action_report()
        other = self._tested_sample()
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            other.report_number = "R2026-0001"
            other.flush_recordset()

    def test_on_time_flag(self):
        on_time = self._sample(items=self.tensile, received_datetime=FRIDAY_MORNING)
        late = self._sample(items=self.tensile, received_datetime=FRIDAY_MORNING)
        for sample, report_date in ((on_time, "2026-06-10"), (late, "2026-06-11")):
            sample.action_start_review()
            sample.action_approve_review()
            sample.write(
                {"report_number": f"R-{sample.id}", "report_date": report_date}
            )
            sample.action_report()
        self.assertTrue(on_time.is_on_time)
        self.assertEqual(on_time.on_time_rate, 100.0)
        self.assertEqual(on_time.actual_turnaround_days, 5)  # 5 June to 10 June
        self.assertFalse(late.is_on_time)
        self.assertEqual(late.on_time_rate, 0.0)

    def test_report_ready_mail_is_queued_to_the_contact(self):
        sample = self._tested_sample()
        sample.write({"contact_id": self.contact.id, "report_number": "R2026-0042"})
        sample.action_report()
        mail = self.env["mail.mail"].search(
            [("model", "=", "lab.sample"), ("res_id", "=", sample.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(self.contact, mail.recipient_ids)
        self.assertIn("R2026-0042", mail.body_html)

    def test_contact_must_belong_to_the_customer(self):
        stranger = self.env["res.partner"].create({"name": "Somebody"})
        with self.assertRaisesRegex(ValidationError, "is not a contact of"):
            self._sample(contact_id=stranger.id)


@tagged("post_install", "-at_install")
class TestSampleSales(LabSampleCommon):
    def test_sample_to_order_to_invoice_to_payment(self):
        sample = self._sample()
        sample.line_ids.filtered(lambda line: line.product_id == self.colour).write(
            {"is_rejected": True, "rejection_reason": "Not accredited for it"}
        )
        sample.action_create_sale_order()
        order = sample.sale_order_id
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(
            order.order_line.product_id, self.tensile
        )  # rejected not billed
        self.assertEqual(order.amount_untaxed, 200.0)
        self.assertEqual(sample.payment_state, "no_invoice")
        sample.action_start_review()
        sample.action_approve_review()  # confirms the order: the contract
        self.assertEqual(order.state, "sale")
        self.assertEqual(sample.invoice_status, "to invoice")
        invoice = self._pay(order)
        self.assertEqual(invoice.amount_total, 200.0)
        self.assertEqual(sample.invoice_status, "invoiced")
        self.assertEqual(sample.payment_state, "paid")

    def test_sample_links_to_an_existing_order_of_its_customer(self):
        order = self.env["sale.order"].create({"partner_id": self.customer.id})
        sample = self._sample(sale_order_id=order.id)
        self.assertEqual(sample._ensure_sale_order(), order)
        other = self.env["sale.order"].create({"partner_id": self.prepaid_customer.id})
        with self.assertRaisesRegex(ValidationError, "is not one of"):
            sample.sale_order_id = other

    def test_price_comes_from_the_customer_pricelist(self):
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Key accounts",
                "item_ids": [
                    (
                        0,
                        0,
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.tensile.id,
                            "compute_price": "fixed",
                            "fixed_price": 150.0,
                        },
                    )
                ],
            }
        )
        self.customer.property_product_pricelist = pricelist
        sample = self._sample()
        prices = {line.product_id: line.price_unit for line in sample.line_ids}
        self.assertEqual(prices, {self.tensile: 150.0, self.colour: 300.0})

    def test_prepaid_customer_pays_before_testing(self):
        sample = self._sample(customer=self.prepaid_customer)
        sample.action_start_review()
        with self.assertRaisesRegex(UserError, "pays in advance"):
            sample.action_approve_review()
        self.assertEqual(sample.state, "review")
        order = sample._ensure_confirmed_sale_order()
        self._pay(order)
        sample.action_approve_review()
        self.assertEqual(sample.state, "testing")

    def test_manager_override_is_logged(self):
        sample = self._sample(customer=self.prepaid_customer)
        sample.action_start_review()
        Wizard = self.env["lab.sample.override.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.lab_user).create(
                {"sample_id": sample.id, "reason": "Trust me"}
            )
        with self.assertRaises(AccessError):
            sample.with_user(self.lab_user).write(
                {"prepaid_override_user_id": self.lab_user.id}
            )
        wizard = Wizard.with_user(self.lab_manager).create(
            {"sample_id": sample.id, "reason": "Payment announced by their bank"}
        )
        wizard.action_confirm()
        self.assertEqual(sample.state, "testing")
        self.assertEqual(sample.prepaid_override_user_id, self.lab_manager)
        self.assertIn("Payment announced by their bank", sample.message_ids[0].body)

    def test_override_cannot_be_created_either(self):
        """What a Lab CRM user may not write, they may not create a sample with."""
        Sample = self.env["lab.sample"]
        values = {"partner_id": self.prepaid_customer.id, "sample_name": "Rebar"}
        for override in (
            {"prepaid_override_user_id": self.lab_user.id},
            {"prepaid_override_reason": "I said so"},
        ):
            with self.subTest(override=override), self.assertRaises(AccessError):
                Sample.with_user(self.lab_user).create({**values, **override})
        self.assertFalse(Sample.search([("sample_name", "=", "Rebar")]))
        sample = Sample.with_user(self.lab_manager).create(
            {**values, "prepaid_override_reason": "Known customer"}
        )
        self.assertEqual(sample.prepaid_override_reason, "Known customer")


@tagged("post_install", "-at_install")
class TestBatchRegistration(LabSampleCommon):
    def test_register_several_samples_in_one_step(self):
        with Form(self.env["lab.sample.batch.wizard"].with_user(self.lab_user)) as form:
            form.partner_id = self.customer
            form.contact_id = self.contact
            form.product_ids.add(self.tensile)
            for name in ("Poplin white", "Poplin blue", "Denim"):
                with form.line_ids.new() as line:
                    line.sample_name = name
                    line.batch = "B-7"
        action = form.record.action_register()
        samples = self.env["lab.sample"].search(action["domain"])
        self.assertEqual(
            sorted(samples.mapped("sample_name")),
            ["Denim", "Poplin blue", "Poplin white"],
        )
        self.assertEqual(len(set(samples.mapped("name"))), 3)
        self.assertEqual(samples.line_ids.product_id, self.tensile)
        self.assertEqual(samples.contact_id, self.contact)
