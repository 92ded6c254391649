from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import freeze_time, tagged
from odoo.tests.common import TransactionCase

from ..demo.lab_demo import (
    CHURNED_MONTHS_AGO,
    CHURNERS,
    COMPETITORS,
    CUSTOMERS,
    LOST_TO,
    MONTHS,
    NEW_CUSTOMERS,
    PORTAL_LOGIN,
    SERVICE_REQUESTS,
    TARGET_GROUPS,
    USERS,
)

TODAY = "2026-06-30"  # a month end: the arrears buckets' edge case


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo generator (lab.demo) on a database without demo data: the shape
    the dashboards need."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(TODAY):
            cls.env["lab.demo"]._lab_demo_generate()
        cls.customers = cls.env["res.partner"].search([("ref", "=like", "LABDEMO-%")])

    def test_customers(self):
        self.assertEqual(len(self.customers), len(CUSTOMERS))
        self.assertEqual(
            set(self.customers.mapped("customer_category")),
            {category for _name, category, *_rest in CUSTOMERS},
        )
        self.assertTrue(all(c.child_ids for c in self.customers), "a contact each")
        self.assertTrue(self.customers.qualification_ids)
        # The first three demo users are the account managers (the fourth one
        # is a service manager only).
        self.assertEqual(
            set(self.customers.user_id.mapped("login")),
            {login for _suffix, _name, login, _group in USERS[:3]},
        )

    def test_samples_every_month(self):
        """Each customer submits samples every month from the month it was won
        until today, or until it stopped CHURNED_MONTHS_AGO months ago (the
        churners)."""
        months = {}
        for partner, _month in self.env["lab.sample"]._read_group(
            [("partner_id", "in", self.customers.ids)],
            ["partner_id", "received_datetime:month"],
        ):
            months[partner] = months.get(partner, 0) + 1
        self.assertEqual(set(months), set(self.customers))
        new = self.customers.filtered(lambda c: self._index(c) in NEW_CUSTOMERS)
        churned = self.customers.filtered(lambda c: self._index(c) in CHURNERS)
        # The others start in the first or the second of the MONTHS months.
        for customer in self.customers - new - churned:
            self.assertGreaterEqual(months[customer], MONTHS - 1, customer.ref)
        # The same, less the months since they stopped.
        for customer in churned:
            self.assertIn(
                months[customer],
                (MONTHS - 1 - CHURNED_MONTHS_AGO, MONTHS - CHURNED_MONTHS_AGO),
                customer.ref,
            )
        for customer in new:
            self.assertEqual(
                months[customer], MONTHS - NEW_CUSTOMERS[self._index(customer)]
            )

    def test_new_customers_in_the_staff_kpis(self):
        """The customers won in the last 12 months (NEW_CUSTOMERS) are the staff
        KPIs' new customers of that period (first invoice in it)."""
        # The last 12 of the MONTHS months, the current one included: every new
        # customer started in them.
        self.assertGreaterEqual(min(NEW_CUSTOMERS.values()), MONTHS - 12)
        first_day = fields.Date.to_date(TODAY).replace(day=1) - relativedelta(months=11)
        date_from = fields.Date.to_string(first_day)  # 2025-07-01
        kpi = (
            self.env["lab.staff.kpi"]
            .with_context(lab_kpi_date_from=date_from, lab_kpi_date_to=TODAY)
            .search([("user_id", "in", self.customers.user_id.ids)])
        )
        self.assertEqual(sum(kpi.mapped("new_customer_count")), len(NEW_CUSTOMERS))
        self.assertTrue(all(kpi.mapped("revenue")))

    def test_churned_customers_on_the_watch_list(self):
        """A churner, silent for CHURNED_MONTHS_AGO months (ten), is far past
        twice its usual interval (a month or a quarter between invoices): high
        churn risk, with the reason."""
        churned = self.customers.filtered(lambda c: self._index(c) in CHURNERS)
        self.assertEqual(len(churned), len(CHURNERS))
        snapshots = self.env["lab.segment.snapshot"].search(
            [("partner_id", "in", churned.ids)]
        )
        self.assertEqual(snapshots.partner_id, churned)
        for snapshot in snapshots:
            self.assertEqual(snapshot.churn_level, "high", snapshot.partner_id.ref)
            self.assertIn("inactive_long", snapshot.churn_reasons)
            # Ten silent months after submitting every month: unlikely alive.
            self.assertLess(snapshot.probability_alive, 0.5)
        others = self.env["lab.segment.snapshot"].search(
            [("partner_id", "in", (self.customers - churned).ids)]
        )
        self.assertIn("low", others.mapped("churn_level"))
        # Sample days carry the prices of their test items: lifetime values.
        self.assertGreater(min(others.filtered("transaction_count").mapped("clv")), 0)

    def test_payments(self):
        """Invoices are paid by customer payments (account.payment), some
        partially; the late payers leave invoices open."""
        invoices = self.env["account.move"].search(
            [
                ("partner_id", "in", self.customers.ids),
                ("move_type", "=", "out_invoice"),
            ]
        )
        states = set(invoices.mapped("payment_state"))
        self.assertTrue({"paid", "partial", "not_paid", "reversed"} <= states, states)
        payments = self.env["account.payment"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        # Posted; "in process" until matched with a bank statement line.
        self.assertTrue(payments)
        self.assertLessEqual(set(payments.mapped("state")), {"in_process", "paid"})
        self.assertEqual(
            payments.reconciled_invoice_ids,
            invoices.filtered(lambda i: i.payment_state in ("paid", "partial")),
        )

    def test_arrears_buckets(self):
        with freeze_time(TODAY):
            arrears = self.env["lab.arrears.customer"].search(
                [("partner_id", "in", self.customers.ids)]
            )
            for bucket in (
                "amount_not_due",
                "amount_1_30",
                "amount_31_60",
                "amount_61_90",
                "amount_over_90",
            ):
                self.assertGreater(sum(arrears.mapped(bucket)), 0, bucket)

    def test_complaints_and_snapshots(self):
        complaints = self.env["lab.complaint"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertIn("closed", complaints.mapped("state"))
        self.assertTrue(complaints.filtered(lambda c: c.state != "closed"))
        surveys = self.env["lab.survey"].search(
            [("partner_id", "in", self.customers.ids), ("state", "=", "answered")]
        )
        self.assertTrue(surveys.filtered(lambda s: s.overall_score < 3))
        snapshots = self.env["lab.segment.snapshot"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(snapshots.partner_id, self.customers)

    def test_market_service_requests_and_reminders(self):
        """The other screens have something to show: competitors with the
        customers lost to them, target groups with customers, service requests
        in every state, and the reminders proposed for the overdue customers."""
        competitors = self.env["lab.competitor"].search([])
        self.assertEqual(len(competitors), len(COMPETITORS))
        lost = self.customers.filtered(lambda c: c.lifecycle_stage == "lost")
        self.assertEqual(
            sorted(self._index(c) for c in lost), sorted(LOST_TO)
        )  # still lost after the segmentation run
        self.assertEqual(set(lost.mapped("lifecycle_lost_reason")), {"competitor"})
        self.assertEqual(sum(competitors.mapped("lost_customer_count")), len(LOST_TO))
        groups = self.env["lab.target.group"].search([])
        self.assertEqual(len(groups), len(TARGET_GROUPS))
        self.assertTrue(all(groups.mapped("customer_count")))

        requests = self.env["lab.service.request"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(len(requests), SERVICE_REQUESTS)
        self.assertEqual(
            set(requests.mapped("state")), {"new", "in_progress", "answered", "closed"}
        )
        closed = requests.filtered(lambda r: r.state == "closed")
        self.assertTrue(closed)
        for request in closed:  # the story's times, before today
            self.assertLess(request.requested_datetime, request.response_datetime)
            self.assertLess(request.answered_datetime, request.closed_datetime)
        self.assertTrue(closed.filtered("is_resolution_late"))

        # Proposed from the days overdue of the first reminder level on.
        first_level_days = min(
            self.env["lab.arrears.reminder.level"].search([]).mapped("days_overdue")
        )
        with freeze_time(TODAY):
            overdue = self.env["lab.arrears.customer"].search(
                [
                    ("partner_id", "in", self.customers.ids),
                    ("max_days_overdue", ">=", first_level_days),
                ]
            )
        reminders = self.env["lab.arrears.reminder"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertTrue(overdue)
        self.assertEqual(set(reminders.mapped("state")), {"draft"})
        self.assertEqual(reminders.partner_id, overdue.partner_id)

    @staticmethod
    def _index(customer):
        """The customer's position in CUSTOMERS (ref LABDEMO-001 is 0)."""
        return int(customer.ref.removeprefix("LABDEMO-")) - 1

    def test_capability_assessments_of_two_years(self):
        last, this = self.env["lab.assessment"].search([], order="date_to")
        self.assertEqual(
            (last.date_from, this.date_to),
            (fields.Date.to_date("2025-01-01"), fields.Date.to_date("2026-12-31")),
        )
        self.assertEqual((last.state, this.state), ("done", "review"))
        self.assertEqual(this.previous_id, last)
        self.assertTrue(this.benchmark_id)
        # Measured from the generated records: this year's figures include the
        # segmentation run of the day (churn), last year's none.
        measured = this.line_ids.filtered("measured_score").mapped("measure")
        self.assertIn("churn", measured)
        measured_last = last.line_ids.filtered("measured_score").mapped("measure")
        self.assertIn("satisfaction", measured_last)
        self.assertNotIn("churn", measured_last)
        self.assertTrue(all(line.score for line in this.line_ids | last.line_ids))
        weak = this.result_ids.filtered("is_weak")
        self.assertTrue(weak)
        self.assertEqual(weak.activity_id, this.activity_ids)

    def test_portal_login_and_invoicing_details(self):
        """The README's portal login: a contact of the demo customer with the
        most complaints, with its samples, complaints and a survey to answer;
        the customers' invoicing details filled, their invoices issued with
        them."""
        user = self.env["res.users"].search([("login", "=", PORTAL_LOGIN)])
        self.assertTrue(user.has_group("base.group_portal"))
        customer = user.commercial_partner_id
        self.assertIn(customer, self.customers)
        Sample, Complaint = self.env["lab.sample"], self.env["lab.complaint"]
        counts = dict(
            Complaint._read_group(
                [("partner_id", "in", self.customers.ids)], ["partner_id"], ["__count"]
            )
        )
        self.assertEqual(counts[customer], max(counts.values()))
        portal = self.env(user=user)
        self.assertTrue(portal["lab.sample"].search_count([]))
        self.assertEqual(
            portal["lab.sample"].search_count([]),
            Sample.search_count([("partner_id", "=", customer.id)]),
        )
        self.assertTrue(portal["lab.complaint"].search_count([]))
        self.assertTrue(
            portal["lab.survey"].search_count(
                [("state", "=", "sent"), ("contact_id", "=", user.partner_id.id)]
            )
        )
        self.assertTrue(all(self.customers.mapped("fapiao_title")))
        invoices = self.env["account.move"].search(
            [
                ("partner_id", "in", self.customers.ids),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
        self.assertTrue(invoices)
        self.assertEqual(
            {(move.partner_id.fapiao_title, move.fapiao_title) for move in invoices}
            - {(move.partner_id.name, move.partner_id.name) for move in invoices},
            set(),
        )
        self.assertEqual(
            set(invoices.mapped("fapiao_type")),
            set(self.customers.mapped("fapiao_type")),
        )

    def test_second_call_does_nothing(self):
        self.assertFalse(self.env["lab.demo"]._lab_demo_generate())
