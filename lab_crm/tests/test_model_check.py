"""The model check in Odoo: the wizard, the stored run and its graph data, access.

The hand-made fixture: invoices on chosen days of 2025 (day 0 = 1 January),
calibration days 0..27 (1-28 January, four weeks), holdout days 28..41
(29 January - 11 February, two weeks). The same transactions as the pure
fixture of test_analytics_modelcheck.py, as posted customer invoices.
"""

from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .sample_common import LabSampleCommon

DAY0 = date(2025, 1, 1)
CALIBRATION_END = DAY0 + timedelta(days=27)
HOLDOUT_END = DAY0 + timedelta(days=41)


@tagged("post_install", "-at_install")
class TestModelCheck(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.c1, cls.c2, cls.c3, cls.c4, cls.c5 = (
            Partner.create({"name": f"Customer {n}", "is_company": True})
            for n in range(1, 6)
        )
        invoices = [
            (cls.c1, 0, 10.0),
            (cls.c1, 7, 20.0),
            (cls.c1, 7, 5.0),  # the same day: one transaction of 25
            (cls.c1, 20, 30.0),
            (cls.c1, 30, 40.0),  # holdout
            (cls.c1, 45, 99.0),  # after the holdout
            (cls.c2, 3, 50.0),
            (cls.c2, 35, 60.0),  # holdout
            (cls.c2, 41, 20.0),  # holdout, its last day
            (cls.c3, 10, 15.0),
            (cls.c3, 12, 15.0),
            (cls.c3, 14, 15.0),
            (cls.c3, 16, 15.0),
            (cls.c4, -5, 70.0),  # first bought before the calibration period
            (cls.c4, 5, 70.0),
            (cls.c5, 30, 80.0),  # first bought in the holdout period
        ]
        moves = cls.env["account.move"].create(
            [
                cls._invoice_vals(partner, day, amount)
                for partner, day, amount in invoices
            ]
        )
        moves.action_post()
        # Neither a refund nor a draft invoice is a transaction.
        refund = cls.env["account.move"].create(
            cls._invoice_vals(cls.c3, 12, 15.0, "out_refund")
        )
        refund.action_post()
        cls.env["account.move"].create(cls._invoice_vals(cls.c2, 5, 500.0))

    @classmethod
    def _invoice_vals(cls, partner, day, amount, move_type="out_invoice"):
        return {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": DAY0 + timedelta(days=day),
            "invoice_line_ids": [
                Command.create({"name": "Tests", "price_unit": amount, "tax_ids": []})
            ],
        }

    def _run(self, user=None, **vals):
        wizard = (
            self.env["lab.model.check.wizard"]
            .with_user(user or self.lab_manager)
            .create(
                {
                    "calibration_start": DAY0,
                    "calibration_end": CALIBRATION_END,
                    "holdout_end": HOLDOUT_END,
                    "transactions": "invoices",
                    **vals,
                }
            )
        )
        action = wizard.action_run()
        return self.env["lab.model.check"].browse(action["res_id"])

    def _series(self, check, kind, key):
        """{series: [value by key]} as the graph reads them (one read_group)."""
        groups = (
            self.env["lab.model.check.line"]
            .with_user(self.lab_manager)
            ._read_group(
                [("check_id", "=", check.id), ("kind", "=", kind)],
                ["series", key],
                ["value:avg"],
                order=f"series, {key}",
            )
        )
        series = {}
        for name, group_key, value in groups:
            series.setdefault(name, []).append((group_key, value))
        return series

    def test_run_counted_by_hand(self):
        check = self._run()
        self.assertEqual(check.company_id, self.env.company)
        self.assertEqual(check.user_id, self.lab_manager)
        # Cohort: customers 1, 2, 3 (4 started before, 5 after the calibration
        # period); 1 (days 7, 20) and 3 (days 12, 14, 16) bought again.
        self.assertEqual(check.customer_count, 3)
        self.assertEqual(check.repeat_customer_count, 2)
        # Holdout: 1 on day 30, 2 on days 35 and 41 -> 3 transactions.
        self.assertEqual(check.holdout_actual, 3)
        self.assertGreater(check.bgnbd_r, 0)
        self.assertTrue(check.caution)  # 2 repeat customers, 4 weeks of history
        tracking = self._series(check, "tracking", "week")
        # Repeat days 7, 12, 14, 16, 20 | 30, 35, 41; weeks end on days 6, 13,
        # 20, 27 | 34, 41: cumulative 0, 2, 5, 5 | 6, 8.
        self.assertEqual(
            tracking["actual"], list(zip(range(1, 7), [0, 2, 5, 5, 6, 8], strict=True))
        )
        self.assertEqual(
            [week for week, _v in tracking["predicted"]], list(range(1, 7))
        )
        lines = check.line_ids.filtered(lambda line: line.kind == "tracking")
        self.assertEqual(
            sorted(set(lines.mapped(lambda line: (line.week, line.period)))),
            [(1, "calibration"), (2, "calibration"), (3, "calibration"),
             (4, "calibration"), (5, "holdout"), (6, "holdout")],
        )  # fmt: skip
        self.assertEqual(
            lines.filtered(lambda line: line.week == 6).mapped("week_end"),
            [HOLDOUT_END, HOLDOUT_END],
        )
        # The holdout total error: predicted growth over weeks 5-6 minus 8 - 5.
        predicted = dict(tracking["predicted"])
        self.assertAlmostEqual(check.tracking_total, predicted[6] - predicted[4] - 3, 2)

    def test_conditional_and_value_graph_data(self):
        check = self._run()
        conditional = self._series(check, "conditional", "calibration_group")
        # By calibration repeat transactions: 0: customer 2 (2 in the holdout);
        # 2: customer 1 (1); 3: customer 3 (0); the other groups empty.
        self.assertEqual(
            conditional["actual"],
            [("0", 2), ("1", 0), ("2", 1), ("3", 0), ("4", 0), ("5", 0), ("6", 0),
             ("7", 0)],
        )  # fmt: skip
        counts = check.line_ids.filtered(
            lambda line: line.kind == "conditional" and line.series == "actual"
        ).sorted("calibration_group")
        self.assertEqual(counts.mapped("count"), [1, 0, 1, 1, 0, 0, 0, 0])
        self.assertAlmostEqual(
            sum(value * n for (_g, value), n in zip(
                conditional["predicted"], counts.mapped("count"), strict=True
            )),
            check.holdout_predicted,
            2,  # stored to two decimals, the points to three
        )  # fmt: skip
        # Customers 1 (x 2, mean 27.5) and 3 (x 3, mean 15) fit the value model.
        self.assertTrue(check.has_value_model)
        value = self._series(check, "value", "calibration_group")
        # Customer 2: 80 / 2 = 40 (group 0); customer 1: 40 / 1 (group 2).
        self.assertEqual(
            value["actual"],
            [("0", 40), ("1", 0), ("2", 40), ("3", 0), ("4", 0), ("5", 0), ("6", 0),
             ("7", 0)],
        )  # fmt: skip
        self.assertEqual(len(value["predicted"]), 8)
        transactions = check.line_ids.filtered(
            lambda line: line.kind == "value" and line.series == "actual"
        ).sorted("calibration_group")
        self.assertEqual(transactions.mapped("count"), [2, 0, 1, 0, 0, 0, 0, 0])

    def test_runs_are_kept(self):
        first = self._run()
        second = self._run(calibration_start=DAY0 - timedelta(days=10))
        # Customer 4's day -5 is now in the calibration period: 4 customers.
        self.assertEqual(second.customer_count, 4)
        self.assertEqual(first.customer_count, 3)
        self.assertEqual(
            self.env["lab.model.check"].with_user(self.lab_manager).search_count([]), 2
        )

    def test_samples_source(self):
        # Samples received: customer 1 on days 1 and 10 and in the holdout on
        # day 30, customer 2 on day 5; a cancelled one is not counted.
        for customer, day, state in (
            (self.c1, 1, "received"),
            (self.c1, 10, "received"),
            (self.c1, 30, "received"),
            (self.c2, 5, "received"),
            (self.c2, 8, "cancelled"),
        ):
            sample = self._sample(customer=customer)
            sample.received_datetime = f"{DAY0 + timedelta(days=day)} 03:00:00"
            if state == "cancelled":
                sample.action_cancel()
        check = self._run(transactions="samples")
        self.assertEqual(check.transactions, "samples")
        # Cohort: customers 1 and 2; 1 bought again (day 10) and in the holdout.
        self.assertEqual(check.customer_count, 2)
        self.assertEqual(check.repeat_customer_count, 1)
        self.assertEqual(check.holdout_actual, 1)

    def test_queries_do_not_grow_with_customers(self):
        def queries_of_a_run():
            """Queries of one run, its writes flushed (a run, with its check)."""
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            check = self._run()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before, check

        queries_of_a_run()  # the first run loads the models' metadata
        queries, _check = queries_of_a_run()
        # Ten more customers, each with a first and a repeat invoice.
        more = self.env["res.partner"].create(
            [{"name": f"Customer {n}", "is_company": True} for n in range(6, 16)]
        )
        self.env["account.move"].create(
            [
                self._invoice_vals(partner, day, 10.0)
                for partner in more
                for day in (2, 9)
            ]
        ).action_post()
        more_queries, check = queries_of_a_run()
        self.assertEqual(check.customer_count, 13)  # 3 + 10
        self.assertEqual(more_queries, queries)

    def test_bad_periods_are_refused(self):
        with self.assertRaises(ValidationError):
            self._run(calibration_end=HOLDOUT_END)
        with self.assertRaises(ValidationError):
            self._run(holdout_end=date.today() + timedelta(days=1))
        with self.assertRaises(UserError):  # nobody starts in 2024's last days
            self._run(
                calibration_start=DAY0 - timedelta(days=3),
                calibration_end=DAY0 - timedelta(days=1),
            )
        self.assertFalse(self.env["lab.model.check"].search_count([]))

    def test_managers_only(self):
        check = self._run()
        with self.assertRaises(AccessError):
            check.with_user(self.lab_user).read(["bgnbd_r"])
        with self.assertRaises(AccessError):
            check.line_ids.with_user(self.lab_user).read(["value"])
        with self.assertRaises(AccessError):
            self._run(user=self.lab_user)
        with self.assertRaises(AccessError):
            check.with_user(self.lab_manager).write({"bgnbd_r": 1.0})
        with self.assertRaises(AccessError):
            self.env["lab.model.check"].with_user(self.lab_manager).create(
                {
                    "company_id": self.env.company.id,
                    "calibration_start": DAY0,
                    "calibration_end": CALIBRATION_END,
                    "holdout_end": HOLDOUT_END,
                    "transactions": "invoices",
                }
            )
        check.with_user(self.lab_manager).unlink()
        self.assertFalse(self.env["lab.model.check.line"].search_count([]))
