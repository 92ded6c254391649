import math
from datetime import date

from odoo import Command
from odoo.tests import freeze_time, tagged

from .sample_common import LabSampleCommon


@tagged("post_install", "-at_install")
class TestSegmentation(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 2 units of the foreign currency per unit of company currency.
        cls.foreign = cls.setup_other_currency("EUR", rates=[("2016-01-01", 2.0)])
        cls.Snapshot = cls.env["lab.segment.snapshot"]

    def _customer(self, name, **vals):
        return self.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "customer_category": "manufacturer",
                **vals,
            }
        )

    def _move(self, partner, amount, day, move_type="out_invoice", currency=None):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": day,
                "currency_id": (currency or self.env.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Tests", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _rows(self, partners, day):
        return {
            row.partner_id: row
            for row in self.Snapshot.search(
                [("partner_id", "in", partners.ids), ("date", "=", day)]
            )
        }

    @freeze_time("2026-06-30")
    def test_pareto_tiers_computed_by_hand(self):
        # Revenue in company currency over the last 12 months; 10,000 positive
        # in all. Cumulative shares: c1 .50 c2 .70 c3 .80 | c4 .88 c5 .93 c6 .96 |
        # c7 .98 c8 .99 c9 1.00, c10 negative. A customer is in A when the share
        # before it is under .80, in B when under .95: c4 starts at exactly .80.
        c = [self._customer(f"C{n:02d}") for n in range(1, 11)]
        self._move(c[0], 5000, "2026-01-15")
        self._move(c[1], 2000, "2026-02-15")
        self._move(c[2], 1200, "2026-03-15")
        self._move(c[2], 200, "2026-04-15", move_type="out_refund")  # net 1000
        self._move(c[3], 1600, "2026-03-20", currency=self.foreign)  # 800
        self._move(c[4], 500, "2026-05-15")
        self._move(c[5], 300, "2026-05-16")
        self._move(c[6], 200, "2026-05-17")
        self._move(c[7], 100, "2026-05-18")
        self._move(c[8], 100, "2026-05-19")  # a tie with c8: the older id first
        self._move(c[9], 50, "2026-05-20", move_type="out_refund")  # -50
        self._move(c[9], 900, "2024-01-10")  # before the period: not counted
        self.Snapshot._recompute()
        rows = self._rows(self.env["res.partner"].concat(*c), date(2026, 6, 30))
        self.assertEqual(
            [rows[p].tier for p in c],
            ["A", "A", "A", "B", "B", "B", "C", "C", "C", "C"],
        )
        self.assertEqual(
            [round(rows[p].revenue) for p in c],
            [5000, 2000, 1000, 800, 500, 300, 200, 100, 100, -50],
        )
        self.assertAlmostEqual(rows[c[2]].cumulative_share, 80.0)
        self.assertAlmostEqual(rows[c[3]].revenue_share, 8.0)
        self.assertEqual(c[0].lab_tier, "A")

    @freeze_time("2026-06-30")
    def test_latest_segments_through_one_link_per_company(self):
        """A customer's segments are those of its latest snapshot in the current
        company, read by its contacts too, and filtered and grouped like stored
        fields; a run in another company links that company's snapshot and leaves
        this company's link alone."""
        big = self._customer("Big Ltd", user_id=self.lab_user.id)
        small = self._customer("Small Ltd", user_id=self.lab_user.id)
        contact = self.env["res.partner"].create(
            {"name": "Li Wei", "parent_id": big.id}
        )
        for _n in range(9):
            self._move(big, 1000, "2026-03-10")
        self._move(small, 100, "2026-03-11")
        with freeze_time("2026-05-31"):
            self.Snapshot._recompute()
        self.Snapshot._recompute()
        latest = self._rows(big | small, date(2026, 6, 30))
        self.assertEqual(big.lab_segment_snapshot_id, latest[big])
        self.assertEqual(contact.lab_tier, "A")
        Partner = self.env["res.partner"].with_user(self.lab_user)
        self.assertEqual(
            Partner.search([("id", "in", (big | small).ids), ("lab_tier", "=", "A")]),
            big,
        )
        self.assertEqual(
            dict(
                Partner._read_group(
                    [("id", "in", (big | small).ids)], ["lab_tier"], ["__count"]
                )
            ),
            {"A": 1, "C": 1},
        )
        other = self.env["res.company"].create({"name": "Branch Lab"})
        self.Snapshot.with_company(other)._recompute()
        self.assertEqual(big.lab_segment_snapshot_id, latest[big])
        # A shared customer with no revenue there: tier C in that company.
        there = big.with_company(other).lab_segment_snapshot_id
        self.assertEqual((there.company_id, there.tier), (other, "C"))

    def test_history_over_two_runs_and_the_churn_activity_once(self):
        # Two invoices a month apart, then silence: inactive for much longer than
        # its usual interval (2 points) and an open complaint (1 point) = high.
        quiet = self._customer("Quiet Ltd", user_id=self.lab_user.id)
        self._move(quiet, 400, "2025-01-10")
        self._move(quiet, 400, "2025-02-10")
        self.env["lab.complaint"].create(
            {"partner_id": quiet.id, "summary": "Late report", "severity": "minor"}
        )
        with freeze_time("2026-05-31"):
            self.Snapshot._recompute()
        with freeze_time("2026-06-30"):
            self.Snapshot._recompute()
        history = self.Snapshot.search([("partner_id", "=", quiet.id)], order="date")
        self.assertEqual(
            [str(row.date) for row in history], ["2026-05-31", "2026-06-30"]
        )
        self.assertEqual(history.mapped("churn_level"), ["high", "high"])
        self.assertEqual(history[-1].churn_reasons, "inactive_long,open_complaints")
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", quiet.id),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("lab_crm.mail_activity_type_churn_risk").id,
                ),
            ]
        )
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.lab_user)
        self.assertIn("open complaints", activities.note)
        # Written in bulk, it reads as one made by mail.activity's create: on the
        # customer's chatter, due the day it was flagged, its assignee following
        # the customer with an internal user's default subtypes.
        self.assertEqual(
            (
                activities.res_name,
                activities.summary,
                str(activities.date_deadline),
                activities.automated,
                activities.state,
            ),
            ("Quiet Ltd", "High churn risk", "2026-05-31", True, "overdue"),
        )
        self.assertEqual(quiet.activity_ids, activities)
        follower = quiet.message_follower_ids.filtered(
            lambda f: f.partner_id == self.lab_user.partner_id
        )
        self.assertEqual(
            follower.subtype_ids,
            self.env["mail.message.subtype"].default_subtypes("res.partner")[0],
        )
        self.assertEqual(quiet.lifecycle_stage, "at_risk")
        action = quiet.action_view_relationship_curve()
        self.assertEqual(self.Snapshot.search(action["domain"]), history)
        # Run again the same day: today's row is replaced, and the customer,
        # already at high risk, gets no second activity.
        with freeze_time("2026-06-30"):
            self.Snapshot._recompute()
        self.assertEqual(
            self.Snapshot.search([("partner_id", "=", quiet.id)], order="date"),
            history[0]
            | self.Snapshot.search(
                [("partner_id", "=", quiet.id), ("date", "=", "2026-06-30")]
            ),
        )
        self.assertEqual(len(quiet.activity_ids), 1)

    @freeze_time("2026-06-30")
    def test_lifecycle_follows_the_segments_but_lost_stays_lost(self):
        newcomer = self._customer("Newcomer")
        self._move(newcomer, 300, "2026-05-01")  # first transaction 60 days ago
        gone = self._customer("Gone")
        self._move(gone, 300, "2026-05-02")
        gone.write({"lifecycle_stage": "lost", "lifecycle_lost_reason": "competitor"})
        prospect = self._customer("Prospect")
        # Set by hand, without a transaction: the run sets it back to prospect.
        hopeful = self._customer("Hopeful", lifecycle_stage="loyal")
        self.env.cr.execute("SET LOCAL jit = on")
        self.Snapshot._recompute()
        self.assertEqual(newcomer.lifecycle_stage, "new")
        self.assertEqual(gone.lifecycle_stage, "lost")
        self.assertEqual(prospect.lifecycle_stage, "prospect")
        self.assertEqual(hopeful.lifecycle_stage, "prospect")
        # The run reads with PostgreSQL's JIT off, and leaves it as it was.
        self.env.cr.execute("SHOW jit")
        self.assertEqual(self.env.cr.fetchone()[0], "on")

    @freeze_time("2026-06-30")
    def test_invoice_days_as_transactions(self):
        """With transactions = invoices (the default), a transaction is a day
        with invoices; the revenue is invoices minus credit notes, by period."""
        customer = self._customer("Invoice Days Ltd")
        self._move(customer, 1000, "2025-05-01")  # before the 12 months
        self._move(customer, 100, "2026-03-02")
        self._move(customer, 200, "2026-03-02")  # same day: 300 in all
        self._move(customer, 50, "2026-04-01", move_type="out_refund")
        self._move(customer, 400, "2026-05-04")
        settings = self.Snapshot._settings()
        data = self.Snapshot._extract(self.env.company, date(2026, 6, 30), settings)
        at = data["partner_ids"].index(customer.id)
        row = {name: values[at] for name, values in data["columns"].items()}
        # Since 2025-06-30: 100 + 200 - 50 + 400 = 650, all of it since the half
        # (2025-12-30), none before it (NaN: no figure).
        self.assertEqual((row["revenue"], row["recent"]), (650, 650))
        self.assertTrue(math.isnan(row["earlier"]))
        # Three days with invoices, two of them in the 12 months; the credit
        # note is not a transaction.
        self.assertEqual((row["days"], row["period_count"]), (3, 2))
        # First 2025-05-01, 425 days before 2026-06-30 (365 + 30 + 30); last
        # 2026-05-04, 57 days before (27 + 30), 368 after the first (365 + 3).
        self.assertEqual((row["age"], row["recency"], row["span"]), (425, 57, 368))
        self.assertEqual(row["repeat_value"], 350)  # (300 + 400) / 2
        self.assertEqual(data["lifecycle_stages"][at], "prospect")

    @freeze_time("2026-06-30")
    def test_suggested_services_from_the_categories_bought(self):
        # As in test_analytics.test_engine_suggestions_by_hand: Alpha is bought
        # with Beta and Gamma twice (lift 5/3), Delta alone; the customer buying
        # Alpha only is offered Beta and Gamma.
        categories = {
            name: self.env["product.category"].create({"name": name})
            for name in ("Alpha", "Beta", "Gamma", "Delta")
        }
        products = {
            name: self.env["product.product"].create(
                {"name": f"{name} test", "type": "service", "categ_id": category.id}
            )
            for name, category in categories.items()
        }
        baskets = {
            "Both One": ("Alpha", "Beta", "Gamma"),
            "Both Two": ("Alpha", "Beta", "Gamma"),
            "Alpha Only": ("Alpha",),
            "Delta One": ("Delta",),
            "Delta Two": ("Delta",),
        }
        customers = {}
        for name, basket in baskets.items():
            customers[name] = self._customer(name)
            move = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customers[name].id,
                    "invoice_date": "2026-06-01",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": products[item].id,
                                "price_unit": 100,
                                "tax_ids": [],
                            }
                        )
                        for item in basket
                    ],
                }
            )
            move.action_post()
        self.Snapshot._recompute()
        self.assertEqual(
            {
                name: customer.lab_segment_snapshot_id.suggested_categories
                for name, customer in customers.items()
            },
            {
                "Both One": False,
                "Both Two": False,
                "Alpha Only": "Beta, Gamma",
                "Delta One": False,
                "Delta Two": False,
            },
        )

    @freeze_time("2026-06-30")
    def test_sample_days_as_transactions(self):
        """With transactions = samples, a transaction is a day with samples,
        worth the prices of their accepted test items (tensile 200, colour
        300); cancelled samples do not count."""
        customer = self._customer("Sample Days Ltd")

        def sample(day, items):
            return self._sample(customer, items, received_datetime=f"{day} 09:00:00")

        sample("2026-03-02", self.tensile | self.colour)  # 500
        sample("2026-03-02", self.tensile)  # same day: 700 in all
        partly = sample("2026-04-06", self.tensile | self.colour)
        partly.line_ids.filtered(lambda line: line.product_id == self.colour).write(
            {"is_rejected": True, "rejection_reason": "No such method here"}
        )  # 200
        sample("2026-05-04", self.colour)  # 300
        sample("2026-05-20", self.tensile).write({"state": "cancelled"})
        # The revenue still comes from the invoices, which are no transactions.
        self._move(customer, 900, "2026-02-01")
        settings = self.Snapshot._settings({"transactions": "samples"})
        data = self.Snapshot._extract(self.env.company, date(2026, 6, 30), settings)
        at = data["partner_ids"].index(customer.id)
        row = {name: values[at] for name, values in data["columns"].items()}
        self.assertEqual(row["days"], 3)
        self.assertEqual(row["revenue"], 900)
        self.assertEqual(row["sample_count"], 4)  # five, one cancelled
        # First on 2026-03-02, 120 days before 2026-06-30 (29 + 30 + 31 + 30);
        # last on 2026-05-04, 57 days before (27 + 30), 63 after the first.
        self.assertEqual((row["age"], row["recency"], row["span"]), (120, 57, 63))
        self.assertEqual(row["repeat_value"], 250)  # (200 + 300) / 2, after the first

    @freeze_time("2026-06-30")
    def test_query_count_does_not_grow_with_the_number_of_customers(self):
        def queries_for(count):
            customers = [self._customer(f"Batch {count}-{n}") for n in range(count)]
            for n, customer in enumerate(customers):
                self._move(customer, 100 + n, "2026-06-01")
            self.env.flush_all()
            self.Snapshot._recompute()  # warm the caches
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            self.Snapshot._recompute()
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        self.assertEqual(queries_for(3), queries_for(15))

    @freeze_time("2026-06-30")
    def test_rfm_segments_follow_the_configured_rules(self):
        first, second = self._customer("First"), self._customer("Second")
        self._move(first, 300, "2026-06-01")
        self._move(second, 100, "2025-09-01")
        self.env.company.lab_segment_rfm_rules = (
            '[["champions", [4, 5], [1, 5]], ["vip", [1, 3], [1, 5]]]'
        )
        self.Snapshot._recompute()
        rows = self._rows(first | second, date(2026, 6, 30))
        # Two customers: R = 5 * (2 * below + equal) // (2 * 2) + 1, so the more
        # recent (below 1) scores 4 -> champions, the other (below 0) 2 -> the
        # custom "vip" rule, not a known segment -> other.
        self.assertEqual(
            (rows[first].rfm_segment, rows[second].rfm_segment), ("champions", "other")
        )
