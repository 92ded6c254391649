from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import SQL

from .sample_common import LabSampleCommon

# The period: 2026 (the previous period: 2025).
PERIOD = {"lab_kpi_date_from": "2026-01-01", "lab_kpi_date_to": "2026-12-31"}


@tagged("post_install", "-at_install")
class TestStaffKpi(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_a = new_test_user(
            cls.env, login="am_a", groups="lab_crm.group_lab_crm_user"
        )
        Partner = cls.env["res.partner"]
        # Of manager A: C1 new in 2026, C2 kept (2025 and 2026), C3 lost (2025 only).
        cls.c1, cls.c2, cls.c3 = (
            Partner.create(
                {"name": name, "is_company": True, "user_id": cls.manager_a.id}
            )
            for name in ("C1", "C2", "C3")
        )
        cls.contact_c1 = Partner.create({"name": "Li Na", "parent_id": cls.c1.id})

    def _invoice(self, customer, amount, date, move_type="out_invoice"):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": customer.id,
                "invoice_date": date,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Testing", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        move.action_post()

    def _kpi(self, user, context=None):
        return (
            self.env["lab.staff.kpi"]
            .with_context(**(context or PERIOD))
            .search([("user_id", "=", user.id)])
        )

    def _build(self):
        self._invoice(self.c1, 1000, "2026-03-10")
        self._invoice(self.c2, 500, "2025-05-01")
        self._invoice(self.c2, 800, "2026-04-01")
        self._invoice(self.c2, 100, "2026-05-01", move_type="out_refund")
        self._invoice(self.c3, 300, "2025-07-01")
        Complaint = self.env["lab.complaint"]
        # Received before their deadlines (a deadline cannot precede reception).
        complaints = Complaint.create(
            [
                {
                    "partner_id": self.c1.id,
                    "summary": "Late report",
                    "received_date": "2026-02-01",
                },
                {
                    "partner_id": self.c1.id,
                    "summary": "Wrong unit",
                    "received_date": "2026-02-01",
                },
                {
                    "partner_id": self.c2.id,
                    "summary": "Lost sample",
                    "received_date": "2025-10-20",
                },
            ]
        )
        # Closing needs a root cause and an answer, not the subject here: the
        # closing dates are set directly. Closed in 2026: one by its deadline,
        # one after; the third closed in 2025 does not count.
        self.env.flush_all()
        for complaint, deadline, closed in zip(
            complaints,
            ("2026-02-10", "2026-02-10", "2025-11-01"),
            ("2026-02-09", "2026-02-20", "2025-10-30"),
            strict=True,
        ):
            self.env.cr.execute(
                SQL(
                    """UPDATE lab_complaint SET state = 'closed', deadline = %s,
                              close_date = %s WHERE id = %s""",
                    deadline,
                    closed,
                    complaint.id,
                )
            )
        complaints.invalidate_recordset()
        Survey = self.env["lab.survey"]
        scores = {fname: 4 for fname in ("score_guidance", "score_accuracy")}
        answered = Survey.create(
            [
                # On a contact of C1: counted for C1's account manager.
                {"partner_id": self.c1.id, "contact_id": self.contact_c1.id, **scores},
                {
                    "partner_id": self.c2.id,
                    "kind": "follow_up",
                    "score_guidance": 5,
                    "score_accuracy": 5,
                },
                {"partner_id": self.c2.id, "kind": "follow_up", "score_guidance": 1},
            ]
        )
        for survey, when in zip(
            answered,
            ("2026-06-01 08:00:00", "2026-07-01 08:00:00", "2025-07-01 08:00:00"),
            strict=True,
        ):
            survey.write({"state": "answered", "answered_datetime": when})
        self.env.flush_all()

    def test_figures_computed_by_hand(self):
        self._build()
        kpi = self._kpi(self.manager_a)
        self.assertEqual(len(kpi), 1)
        self.assertRecordValues(
            kpi,
            [
                {
                    "new_customer_count": 1,  # C1
                    "prior_customer_count": 2,  # C2, C3
                    "retained_customer_count": 1,  # C2
                    "retention_rate": 50.0,
                    "revenue": 1700.0,  # 1000 + 800 - 100
                    "revenue_prior": 800.0,  # 500 + 300
                    "revenue_growth": 112.5,  # (1700 - 800) / 800
                    "satisfaction": 4.5,  # (4 + 5) / 2; the 2025 answer left out
                    "complaint_closed_count": 2,
                    "complaint_on_time_count": 1,
                    "complaint_on_time_rate": 50.0,
                    "follow_up_count": 1,
                }
            ],
        )

    def test_period_from_the_wizard(self):
        self._build()
        with freeze_time("2026-12-31"):
            wizard = Form(self.env["lab.staff.kpi.wizard"]).save()
        self.assertEqual(str(wizard.date_from), "2026-01-01")
        wizard.date_from = "2025-01-01"
        wizard.date_to = "2025-12-31"
        action = wizard.action_open()
        kpi = self._kpi(self.manager_a, action["context"])
        # 2025 against 2024: C2 and C3 new, nobody to keep, 800 of revenue.
        self.assertRecordValues(
            kpi,
            [
                {
                    "new_customer_count": 2,
                    "prior_customer_count": 0,
                    "retention_rate": 0.0,
                    "revenue": 800.0,
                    "revenue_growth": 0.0,
                    "complaint_closed_count": 1,  # by its deadline
                    "complaint_on_time_count": 1,
                    "follow_up_count": 1,
                }
            ],
        )
        # No customer in 2024 and no revenue then: both rates are empty (the ORM
        # reads them as 0.0), so that the pivot's averages leave them out (False
        # from _read_group, where a rate of 0 would be 0.0).
        [[retention, growth]] = (
            self.env["lab.staff.kpi"]
            .with_context(**action["context"])
            ._read_group(
                [("user_id", "=", self.manager_a.id)],
                aggregates=["retention_rate:avg", "revenue_growth:avg"],
            )
        )
        self.assertIs(retention, False)
        self.assertIs(growth, False)

    def test_managers_only(self):
        self._build()
        with self.assertRaises(AccessError):
            self.env["lab.staff.kpi"].with_user(self.manager_a).with_context(
                **PERIOD
            ).search([])
        self.assertTrue(self._kpi(self.manager_a).with_user(self.lab_manager).revenue)
