from odoo.tests import freeze_time, tagged
from odoo.tests.common import TransactionCase

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
        self.assertGreaterEqual(len(self.customers), 55)
        self.assertEqual(
            set(self.customers.mapped("customer_category")),
            {"government", "manufacturer", "intermediary", "public"},
        )
        self.assertTrue(all(c.child_ids for c in self.customers), "a contact each")
        self.assertTrue(self.customers.qualification_ids)
        self.assertEqual(len(self.customers.user_id), 3)

    def test_samples_every_month(self):
        months = {}
        for partner, _month in self.env["lab.sample"]._read_group(
            [("partner_id", "in", self.customers.ids)],
            ["partner_id", "received_datetime:month"],
        ):
            months[partner] = months.get(partner, 0) + 1
        self.assertEqual(set(months), set(self.customers))
        self.assertGreaterEqual(min(months.values()), 20)

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

    def test_second_call_does_nothing(self):
        self.assertFalse(self.env["lab.demo"]._lab_demo_generate())
