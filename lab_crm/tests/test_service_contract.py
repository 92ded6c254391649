from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, freeze_time, tagged

from .sample_common import LabSampleCommon


class LabServiceContractCommon(LabSampleCommon):
    """The sample fixture (tensile 200, colour 300, no taxes) and a 2026 prepaid
    contract of the post-paid customer: 10% off, 2,000 prepaid, 4 tests and 2
    training days included, turnaround at most 4 working days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.training = cls.env["product.product"].create(
            {
                "name": "Training: GB 18401 (per day)",
                "type": "service",
                "categ_id": cls.env.ref("lab_crm.product_category_lab_training").id,
                "list_price": 400.0,
                "taxes_id": False,
            }
        )
        cls.contract = cls.env["lab.service.contract"].create(
            {
                "partner_id": cls.customer.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "discount": 10.0,
                "payment_mode": "prepaid",
                "prepaid_amount": 2000.0,
                "included_test_count": 4,
                "included_training_days": 2.0,
                "turnaround_days": 4,
            }
        )
        cls.contract.action_activate()

    def _order(self, lines, user=None, **vals):
        return (
            self.env["sale.order"]
            .with_user(user or self.lab_user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                        for product, qty in lines
                    ],
                    **vals,
                }
            )
        )


@tagged("post_install", "-at_install")
class TestServiceContractConsumption(LabServiceContractCommon):
    def test_consumption_and_balance_over_several_samples(self):
        Sample = self.env["lab.sample"].with_user(self.lab_user)

        def sample(day, items, **vals):
            with freeze_time(f"2026-06-{day:02d} 02:00:00"):
                return Sample.create(
                    {
                        "partner_id": self.customer.id,
                        "sample_name": f"Cotton poplin {day}",
                        "line_ids": [
                            Command.create({"product_id": item.id, **extra})
                            for item, extra in items
                        ],
                        **vals,
                    }
                )

        first = sample(1, [(self.tensile, {}), (self.colour, {})])
        second = sample(
            2,
            [
                (self.tensile, {}),
                (self.colour, {"is_rejected": True, "rejection_reason": "Too small"}),
            ],
        )
        cancelled = sample(3, [(self.colour, {})])
        cancelled.action_cancel()
        beyond = sample(4, [(self.tensile, {}), (self.colour, {})])

        # The running contract is found from the customer and the date.
        self.assertEqual(
            (first | second | cancelled | beyond).service_contract_id, self.contract
        )
        # Tests before each sample: 0, 2, 3 (the cancelled one does not count), 3.
        # The fourth sample brings 2 more: 5 > 4 included, so it is beyond.
        self.assertEqual(
            (first | second | beyond).mapped("is_beyond_contract"),
            [False, False, True],
        )
        for record in (first, second, beyond):
            record.action_start_review()
            record.action_approve_review()
        # Within the contract, 10% off: 180 + 270 = 450, then 180. Beyond it, the
        # normal prices, 200 + 300 = 500, on an order outside the contract.
        self.assertEqual(first.sale_order_id.amount_total, 450.0)
        self.assertEqual(second.sale_order_id.amount_total, 180.0)
        self.assertEqual(beyond.sale_order_id.amount_total, 500.0)
        self.assertEqual(first.sale_order_id.service_contract_id, self.contract)
        self.assertFalse(beyond.sale_order_id.service_contract_id)

        # A training order of 1.5 days at 400 a day, 10% off: 1.5 * 360 = 540.
        with freeze_time("2026-06-10"):
            training = self._order([(self.training, 1.5)])
            training.action_confirm()
        self.assertEqual(training.amount_total, 540.0)

        contract = self.contract.with_user(self.lab_user)
        # Accepted, not cancelled tests: 2 + 1 + 2 = 5 of the 4 included.
        self.assertEqual(contract.used_test_count, 5)
        self.assertEqual(contract.sample_count, 3)
        self.assertEqual(contract.used_training_days, 1.5)
        # Orders under the contract: 450 + 180 + 540 = 1,170; 2,000 - 1,170 = 830.
        self.assertEqual(contract.sale_order_count, 3)
        self.assertEqual(contract.consumed_amount, 1170.0)
        self.assertEqual(contract.remaining_balance, 830.0)

    def test_query_count_does_not_grow_with_the_number_of_contracts(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {n:02d}", "is_company": True} for n in range(20)]
        )
        contracts = self.env["lab.service.contract"].create(
            [
                {
                    "partner_id": customer.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-12-31",
                    "state": "active",
                }
                for customer in customers
            ]
        )
        with freeze_time("2026-06-01 02:00:00"):
            samples = self.env["lab.sample"].create(
                [
                    {
                        "partner_id": customer.id,
                        "sample_name": "Cotton poplin",
                        "line_ids": [Command.create({"product_id": self.tensile.id})],
                    }
                    for customer in customers
                ]
            )
        self.assertEqual(samples.service_contract_id, contracts)
        self.env.flush_all()
        fields = ["used_test_count", "used_training_days", "remaining_balance"]

        def queries_to_load(records):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            rows = records.read(fields)
            return self.env.cr.sql_log_count - before, rows

        queries_to_load(contracts[:1])  # warm the caches
        few, _rows = queries_to_load(contracts[:5])
        many, rows = queries_to_load(contracts)
        self.assertEqual(few, many)
        self.assertEqual([row["used_test_count"] for row in rows], [1] * 20)

    def test_a_sample_beyond_the_contract_warns(self):
        self.contract.included_test_count = 1
        with freeze_time("2026-06-01 02:00:00"):
            form = Form(self.env["lab.sample"].with_user(self.lab_user))
            form.partner_id = self.customer
            form.sample_name = "Denim"
            self.assertEqual(form.service_contract_id, self.contract)
            with form.line_ids.new() as line:
                line.product_id = self.tensile
            self.assertFalse(form.is_beyond_contract)
            with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                with form.line_ids.new() as line:
                    line.product_id = self.colour
            sample = form.save()
        self.assertIn("Beyond the contract", logs.output[0])
        self.assertTrue(sample.is_beyond_contract)
        # Priced normally.
        self.assertEqual(sample.line_ids.mapped("price_unit"), [200.0, 300.0])

    def test_an_order_beyond_the_included_training_days_warns(self):
        with freeze_time("2026-06-10"):
            self._order([(self.training, 1.5)]).action_confirm()
            form = Form(self.env["sale.order"].with_user(self.lab_user))
            form.partner_id = self.customer
            self.assertEqual(form.service_contract_id, self.contract)
            # 1.5 used + 1 = 2.5 days > 2 included.
            with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                with form.order_line.new() as line:
                    line.product_id = self.training
            order = form.save()
        self.assertIn("training days", logs.output[0])
        self.assertEqual(order.order_line.discount, 0.0)
        self.assertEqual(order.amount_total, 400.0)

    def test_an_online_request_uses_nothing_until_accepted(self):
        self.contract.included_test_count = 2
        with freeze_time("2026-06-01 02:00:00"):
            first = self._sample()  # tensile and colour: both included tests
            request = self._sample(state="requested")
        self.contract.invalidate_recordset(["sample_count", "used_test_count"])
        self.assertEqual(
            (self.contract.sample_count, self.contract.used_test_count), (1, 2)
        )
        self.assertFalse(first.is_beyond_contract)
        with freeze_time("2026-06-02 02:00:00"):
            request.with_user(self.lab_user).action_accept()
        self.contract.invalidate_recordset(["sample_count", "used_test_count"])
        self.assertEqual(
            (self.contract.sample_count, self.contract.used_test_count), (2, 4)
        )
        self.assertTrue(request.is_beyond_contract)

    def test_turnaround_commitment_caps_the_promised_date(self):
        # Colour fastness takes 5 working days; the contract commits to 4.
        with freeze_time("2026-06-01 02:00:00"):  # Monday 10:00 in Shanghai
            sample = self._sample(items=self.colour)
        self.assertEqual(sample.turnaround_days, 4)
        self.assertEqual(sample.promised_date, date(2026, 6, 5))


@tagged("post_install", "-at_install")
class TestServiceContractValidity(LabServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Agreed prices: tensile strength at 150 instead of 200.
        cls.agreed = cls.env["product.pricelist"].create(
            {
                "name": "Jiangnan framework prices",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.tensile.id,
                            "compute_price": "fixed",
                            "fixed_price": 150.0,
                        }
                    )
                ],
            }
        )
        cls.contract.write({"pricelist_id": cls.agreed.id, "discount": 0.0})

    def test_prices_apply_while_the_contract_runs(self):
        with freeze_time("2026-12-31 02:00:00"):
            sample = self._sample(items=self.tensile)
            order = self._order([(self.tensile, 1)])
        self.assertEqual(sample.line_ids.price_unit, 150.0)
        self.assertEqual(order.pricelist_id, self.agreed)
        self.assertEqual(order.amount_total, 150.0)

    def test_a_typed_discount_survives_confirmation(self):
        """The contract's discount applies while the order is drafted; what the
        salesperson types then is the order's, through confirmation."""
        self.contract.write({"pricelist_id": False, "discount": 10.0})
        with freeze_time("2026-06-10"):
            order = self._order([(self.tensile, 1)])
            line = order.order_line
            self.assertEqual(order.service_contract_id, self.contract)
            self.assertEqual(line.discount, 10.0)
            line.discount = 25.0
            order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(line.discount, 25.0)
        # 200 less 25% = 150 (no taxes on the fixture's test items).
        self.assertEqual(order.amount_total, 150.0)

    def test_a_quotation_follows_its_contract(self):
        self.contract.write({"pricelist_id": False, "discount": 10.0})
        with freeze_time("2026-06-10"):
            order = self._order([(self.tensile, 1)])
            order.service_contract_id = False
            self.assertEqual(order.order_line.discount, 0.0)
            order.service_contract_id = self.contract
            self.assertEqual(order.order_line.discount, 10.0)
            # In the form too (the discount column is hidden without Odoo's
            # "Discounts" setting): 200 at full price, 180 with 10% off.
            form = Form(order)
            self.assertEqual(form.tax_totals["total_amount_currency"], 180.0)
            form.service_contract_id = self.env["lab.service.contract"]
            self.assertEqual(form.tax_totals["total_amount_currency"], 200.0)
            order.action_confirm()
            # Confirmed: a later change of contract no longer reprices it.
            order.service_contract_id = False
        self.assertEqual(order.order_line.discount, 10.0)

    def test_expired_contract_prices_are_not_applied(self):
        with freeze_time("2027-01-04 02:00:00"):
            self.env["lab.service.contract"]._cron_expire_and_renew()
            self.assertEqual(self.contract.state, "expired")
            sample = self._sample(items=self.tensile)
            order = self._order([(self.tensile, 1)])
        self.assertFalse(sample.service_contract_id)
        self.assertEqual(sample.line_ids.price_unit, 200.0)
        self.assertFalse(order.service_contract_id)
        self.assertNotEqual(order.pricelist_id, self.agreed)
        self.assertEqual(order.amount_total, 200.0)

    def test_a_contract_past_its_end_does_not_apply_before_the_job_runs(self):
        # Still marked running, but the sample is received after its end.
        with freeze_time("2027-01-04 02:00:00"):
            sample = self._sample(items=self.tensile)
            sample.service_contract_id = self.contract
            order = self._order(
                [(self.tensile, 1)], service_contract_id=self.contract.id
            )
        self.assertEqual(self.contract.state, "active")
        self.assertEqual(sample.line_ids.price_unit, 200.0)
        self.assertNotEqual(order.pricelist_id, self.agreed)
        self.assertEqual(order.amount_total, 200.0)

    def test_renewal_activity_once_before_the_end(self):
        Contract = self.env["lab.service.contract"]
        activity_type = self.env.ref(
            "lab_crm.mail_activity_type_service_contract_renewal"
        )

        def activities():
            return self.contract.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )

        with freeze_time("2026-11-30"):  # 31 days before the end: not yet
            Contract._cron_expire_and_renew()
        self.assertFalse(activities())
        with freeze_time("2026-12-01"):  # 30 days before the end
            Contract._cron_expire_and_renew()
            Contract._cron_expire_and_renew()
        with freeze_time("2026-12-20"):
            Contract._cron_expire_and_renew()
        self.assertEqual(len(activities()), 1)
        self.assertEqual(activities().user_id, self.lab_user)
        self.assertEqual(activities().date_deadline, date(2026, 12, 31))

    def test_renewal_is_a_draft_for_the_next_period(self):
        action = self.contract.with_user(self.lab_user).action_renew()
        renewal = self.env["lab.service.contract"].browse(action["res_id"])
        self.assertEqual(renewal.state, "draft")
        self.assertEqual(renewal.date_start, date(2027, 1, 1))
        self.assertEqual(renewal.date_end, date(2027, 12, 31))
        self.assertEqual(renewal.pricelist_id, self.agreed)
        self.assertEqual(renewal.included_test_count, 4)

    def test_one_running_contract_per_customer_at_a_time(self):
        overlapping = self.env["lab.service.contract"].create(
            {
                "partner_id": self.customer.id,
                "date_start": "2026-12-01",
                "date_end": "2027-11-30",
            }
        )
        with self.assertRaisesRegex(ValidationError, "already has the running"):
            overlapping.action_activate()

    def test_lab_users_cannot_delete_contracts_managers_can(self):
        contract = self.contract.with_user(self.lab_user)
        contract.title = "2026 framework agreement"
        with self.assertRaises(AccessError):
            contract.unlink()
        self.contract.with_user(self.lab_manager).action_cancel()
        self.contract.with_user(self.lab_manager).unlink()


@tagged("post_install", "-at_install")
class TestValueAddedServices(LabServiceContractCommon):
    def test_value_added_categories_apart_from_testing(self):
        value_added = self.env.ref("lab_crm.product_category_lab_value_added")
        children = value_added.child_id.mapped("name")
        for name in ("Industry Briefings", "Training", "Consulting"):
            self.assertIn(name, children)
        self.assertIn("Laboratory Accreditation Support", children)
        self.assertEqual(self.training.categ_id.parent_id, value_added)
        testing = self.env.ref("lab_crm.product_category_lab_testing")
        self.assertFalse(testing.parent_id)  # testing is not a value-added service
        with Form(self.env["product.template"]) as form:
            form.name = "Pilling resistance"
            form.type = "service"
            form.is_lab_test_item = True
        self.assertEqual(form.record.categ_id, testing)

    def test_training_session_records_the_customers_attendees(self):
        other = self.env["res.partner"].create(
            {"name": "Wang Fang", "parent_id": self.prepaid_customer.id}
        )
        session = (
            self.env["lab.training.session"]
            .with_user(self.lab_user)
            .create(
                {
                    "name": "GB 18401 for quality inspectors",
                    "product_id": self.training.id,
                    "date": "2026-06-12",
                    "attendee_ids": [Command.set((self.contact | other).ids)],
                }
            )
        )
        self.assertEqual(session.attendee_count, 2)
        self.assertEqual(session.customer_ids, self.customer | self.prepaid_customer)
