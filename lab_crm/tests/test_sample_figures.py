from datetime import date, datetime

from odoo.tests import freeze_time, tagged

from .sample_common import LabSampleCommon

FIGURES = ["sample_count", "sample_count_12m", "first_sample_date", "last_sample_date"]


@tagged("post_install", "-at_install")
class TestCustomerSampleFigures(LabSampleCommon):
    @freeze_time("2026-06-30 12:00:00")
    def test_figures_computed_by_hand(self):
        for received in ("2025-03-01", "2025-09-15", "2026-06-01"):
            self._sample(received_datetime=f"{received} 03:00:00")
        self._sample(received_datetime="2026-06-02 03:00:00").action_cancel()
        quiet = self.env["res.partner"].create(
            {"name": "Quiet Ltd", "is_company": True}
        )
        # 3 samples not cancelled; in the 12 months since 2025-06-30: 2025-09-15
        # and 2026-06-01.
        self.assertEqual(
            [self.customer[f] for f in FIGURES],
            [3, 2, date(2025, 3, 1), date(2026, 6, 1)],
        )
        self.assertEqual([quiet[f] for f in FIGURES], [0, 0, False, False])

    def test_query_count_does_not_grow_with_the_number_of_customers(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {n:02d}", "is_company": True} for n in range(80)]
        )
        self.env["lab.sample"].create(
            [
                {
                    "partner_id": customer.id,
                    "sample_name": "Fabric",
                    "received_datetime": datetime(2026, 1, 1 + n % 28, 3, 0),
                }
                for n, customer in enumerate(customers)
            ]
        )
        self.env.flush_all()

        def queries_to_load(partners):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            rows = partners.read(FIGURES)
            return self.env.cr.sql_log_count - before, rows

        queries_to_load(customers[:1])  # warm the access-rights caches
        few, _rows = queries_to_load(customers[:10])
        many, rows_many = queries_to_load(customers)
        self.assertEqual(few, many)
        self.assertEqual(len(rows_many), 80)
        self.assertTrue(all(row["sample_count"] == 1 for row in rows_many))
        # Partners' own fields and the two grouped queries: a handful, not 80.
        self.assertLessEqual(many, 6)
