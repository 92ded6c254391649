from odoo.tests import freeze_time, tagged

from .test_service_request import LabServiceRequestCommon


@tagged("post_install", "-at_install")
class TestServiceQuality(LabServiceRequestCommon):
    """Response and resolution times of requests, turnaround kept on samples and
    contract commitments kept, per customer and per staff member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Requests of the technical advisor (8 hours, 3 days).
        with freeze_time("2026-06-05 10:00:00"):
            fast = cls._request(cls.technical)
            slow = cls._request(cls.technical)
        with freeze_time("2026-06-05 12:30:00"):
            fast.action_start()  # 2.5 hours, in time
        with freeze_time("2026-06-05 19:00:00"):
            slow.action_answer()  # 9 hours: late first response, resolved in time
        with freeze_time("2026-06-06 10:00:00"):
            fast.action_answer()  # 24 hours
        # A one-day contract: the sample of 1 June is under it, not the next one.
        contract = cls.env["lab.service.contract"].create(
            {
                "partner_id": cls.customer.id,
                "date_start": "2026-06-01",
                "date_end": "2026-06-01",
            }
        )
        contract.action_activate()
        # Samples of the account manager: tensile strength takes 3 working days.
        with freeze_time("2026-06-01 02:00:00"):  # Monday: promised Thursday 4 June
            cls.kept = cls._sample(items=cls.tensile)
        with freeze_time("2026-06-02 02:00:00"):  # Tuesday: promised Friday 5 June
            cls.late = cls._sample(items=cls.tensile)
        cls.kept.report_date = "2026-06-04"
        cls.late.report_date = "2026-06-08"
        cls.contract = contract
        cls.Quality = cls.env["lab.service.quality"].with_user(cls.lab_manager)

    def test_figures_per_staff_member_by_hand(self):
        self.assertEqual(self.kept.service_contract_id, self.contract)
        self.assertFalse(self.late.service_contract_id)
        rows = {
            user: values
            for user, *values in self.Quality._read_group(
                [("partner_id", "=", self.customer.id)],
                ["user_id"],
                [
                    "request_count:sum",
                    "sample_count:sum",
                    "response_hours:avg",
                    "resolution_hours:avg",
                    "response_on_time_rate:avg",
                    "resolution_on_time_rate:avg",
                    "turnaround_kept_rate:avg",
                    "commitment_kept_rate:avg",
                ],
            )
        }
        # Advisor: (2.5 + 9) / 2 = 5.75 hours to respond, one of two in time;
        # (24 + 9) / 2 = 16.5 hours to resolve, both in time.
        self.assertEqual(
            rows[self.advisor], [2, 0, 5.75, 16.5, 50.0, 100.0, False, False]
        )
        # Account manager: one sample of two reported by its promised date; the
        # one under the contract kept its commitment. (False: does not apply.)
        self.assertEqual(
            rows[self.lab_user], [0, 2, False, False, False, False, 50.0, 100.0]
        )

    def test_figures_per_customer_for_churn_signals(self):
        figures = self.Quality._by_customer(self.customer)[self.customer]
        self.assertEqual(figures["response_hours"], 5.75)
        self.assertEqual(figures["resolution_on_time_rate"], 100.0)
        self.assertEqual(figures["turnaround_kept_rate"], 50.0)
        self.assertEqual(figures["commitment_kept_rate"], 100.0)

    def test_a_lab_user_reads_the_report_too(self):
        rows = (
            self.env["lab.service.quality"]
            .with_user(self.lab_user)
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(len(rows), 4)
        self.assertEqual(set(rows.mapped("source")), {"request", "sample"})

    @freeze_time("2026-06-30")
    def test_missed_commitments_are_a_churn_signal(self):
        Snapshot = self.env["lab.segment.snapshot"]
        self.customer.customer_category = "manufacturer"  # segmented without sales

        def reasons():
            Snapshot._recompute()
            row = Snapshot.search(
                [("partner_id", "=", self.customer.id), ("date", "=", "2026-06-30")]
            )
            self.assertEqual(len(row), 1)
            return (row.churn_reasons or "").split(",")

        # Kept: requests resolved in time 100%, turnaround 50% (1 of 2), contract
        # commitments 100%: the lowest, 50, is not below the threshold of 50.
        self.assertNotIn("poor_service", reasons())
        # A third sample reported late: turnaround kept 1 of 3 = 33.3% < 50.
        with freeze_time("2026-06-03 02:00:00"):  # Wednesday: promised Monday 8 June
            third = self._sample(items=self.tensile)
        third.report_date = "2026-06-10"
        self.assertIn("poor_service", reasons())
