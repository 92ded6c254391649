from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import LabCrmCommon


@tagged("post_install", "-at_install")
class TestQualification(LabCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.lab_qualification_expiry_days = 30
        Qualification = cls.env["lab.qualification"]
        cls.licence = Qualification.create(
            {
                "partner_id": cls.customer.id,
                "qualification_type": "production_licence",
                "name": "Production licence for garments",
                "issue_date": "2021-06-01",
                "expiry_date": "2026-06-30",
            }
        )
        cls.trademark = Qualification.create(
            {
                "partner_id": cls.customer.id,
                "qualification_type": "trademark",
                "name": "JIANGNAN",
                "issue_date": "2015-03-01",
            }
        )
        cls.activity_type = cls.env.ref(
            "lab_crm.mail_activity_type_qualification_expiry"
        )

    def _expiry_activities(self, record):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_status_on_frozen_dates(self):
        # Expiry 2026-06-30, window 30 days:
        # expiring from 2026-05-31, expired from 2026-07-01.
        for today, status in [
            ("2026-05-30", "valid"),
            ("2026-05-31", "expiring"),
            ("2026-06-30", "expiring"),
            ("2026-07-01", "expired"),
        ]:
            with self.subTest(today=today), freeze_time(today):
                self.licence.invalidate_recordset(["status"])
                self.assertEqual(self.licence.status, status)
                self.assertEqual(self.trademark.status, "valid")  # no expiry date
                found = self.env["lab.qualification"].search(
                    [
                        ("id", "in", (self.licence | self.trademark).ids),
                        ("status", "=", status),
                    ]
                )
                self.assertIn(self.licence, found)

    def test_window_comes_from_settings(self):
        self.env.company.lab_qualification_expiry_days = 90
        with freeze_time("2026-04-15"):  # 76 days before expiry
            self.assertEqual(self.licence.status, "expiring")

    def test_window_is_the_customers_companys(self):
        other_company = self.env["res.company"].create({"name": "Second Laboratory"})
        other_company.lab_qualification_expiry_days = 90
        customer = self.env["res.partner"].create(
            {
                "name": "Northern Dyeing",
                "is_company": True,
                "company_id": other_company.id,
                "user_id": self.lab_user.id,
            }
        )
        theirs = self.env["lab.qualification"].create(
            {
                "partner_id": customer.id,
                "name": "Production licence for dyes",
                "expiry_date": "2026-06-30",
            }
        )
        # 76 days before both expire: within the second company's 90 days, not
        # within the 30 days of the current company (the shared customer's).
        with freeze_time("2026-04-15"):
            (self.licence | theirs).invalidate_recordset(["status"])
            self.assertEqual(self.licence.status, "valid")
            self.assertEqual(theirs.status, "expiring")
            self.assertEqual(
                self.env["lab.qualification"].search(
                    [
                        ("id", "in", (self.licence | theirs).ids),
                        ("status", "=", "expiring"),
                    ]
                ),
                theirs,
            )
            self.env["lab.qualification"]._cron_notify_expiring()
        self.assertFalse(self._expiry_activities(self.licence))
        self.assertEqual(len(self._expiry_activities(theirs)), 1)

    def test_expiry_before_issue_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot expire"):
            self.licence.expiry_date = "2021-05-31"

    def test_cron_gives_one_activity_to_the_account_manager(self):
        Qualification = self.env["lab.qualification"]
        with freeze_time("2026-06-10"):
            Qualification._cron_notify_expiring()
            Qualification._cron_notify_expiring()
        with freeze_time("2026-06-11"):
            Qualification._cron_notify_expiring()
        activity = self._expiry_activities(self.licence)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.lab_user)
        self.assertEqual(str(activity.date_deadline), "2026-06-30")
        self.assertFalse(self._expiry_activities(self.trademark))
        # Done is done: marking it done does not bring it back the next night.
        activity.action_done()
        with freeze_time("2026-06-12"):
            Qualification._cron_notify_expiring()
        self.assertFalse(self._expiry_activities(self.licence))

    def test_renewed_line_is_noticed_again(self):
        Qualification = self.env["lab.qualification"]
        with freeze_time("2026-06-10"):
            Qualification._cron_notify_expiring()
        self.licence.expiry_date = "2031-06-30"
        with freeze_time("2031-06-20"):
            Qualification._cron_notify_expiring()
        self.assertEqual(
            sorted(
                str(d)
                for d in self._expiry_activities(self.licence).mapped("date_deadline")
            ),
            ["2026-06-30", "2031-06-30"],
        )

    def test_line_outside_the_window_gets_nothing(self):
        with freeze_time("2026-05-01"):
            self.env["lab.qualification"]._cron_notify_expiring()
        self.assertFalse(self._expiry_activities(self.licence))

    def test_customer_counts_its_qualifications(self):
        self.assertEqual(self.customer.qualification_count, 2)
        action = self.customer.action_view_qualifications()
        self.assertEqual(
            self.env["lab.qualification"].search(action["domain"]),
            self.licence | self.trademark,
        )
