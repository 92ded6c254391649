from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .sample_common import LabSampleCommon

# What closing a complaint needs, besides the root cause (critical ones need the
# effectiveness check too).
CLOSING_VALUES = {
    "corrective_action": "Report reissued",
    "preventive_action": "Second check of typed results",
    "result_date": "2026-06-10",
    "result_method": "phone",
    "result_text": "Explained the cause and the reissue",
}
EFFECTIVENESS_FIELDS = [
    "effectiveness_date",
    "effectiveness_user_id",
    "effectiveness_result",
]


class LabComplaintCommon(LabSampleCommon):
    """The sample fixture, a customer-service manager and a user of the
    customer-service centre (all customers) with billing rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.service_manager = new_test_user(
            cls.env,
            login="service_manager",
            groups="lab_crm.group_lab_crm_user",
            company_id=company.id,
        )
        cls.lab_billing = new_test_user(
            cls.env,
            login="lab_billing",
            groups="lab_crm.group_lab_crm_all,account.group_account_invoice",
            company_id=company.id,
        )

    @classmethod
    def _complaint(cls, customer=None, **vals):
        return cls.env["lab.complaint"].create(
            {
                "partner_id": (customer or cls.customer).id,
                "summary": "Result disputed",
                **vals,
            }
        )


@tagged("post_install", "-at_install")
class TestComplaintRegistration(LabComplaintCommon):
    @freeze_time("2026-06-05 10:00:00")
    def test_registered_in_the_form_by_a_lab_user(self):
        with Form(self.env["lab.complaint"].with_user(self.lab_user)) as form:
            form.partner_id = self.customer
            form.contact_id = self.contact
            form.summary = "Report delivered late"
            form.category = "delay"
        complaint = form.record
        self.assertRegex(complaint.name, r"^C2026-\d{5}$")
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.received_date, date(2026, 6, 5))
        # Minor by default: 15 days after 5 June.
        self.assertEqual(complaint.deadline, date(2026, 6, 20))
        # No customer-service manager: the account manager is responsible.
        self.assertEqual(complaint.user_id, self.lab_user)

    def test_references_are_per_company(self):
        first, second = self._complaint(), self._complaint()
        self.assertNotEqual(first.name, second.name)
        other_company = self.setup_other_company()["company"]
        sequences = self.env["ir.sequence"].search([("code", "=", "lab.complaint")])
        self.assertIn(other_company, sequences.company_id)
        self.assertIn(self.env.company, sequences.company_id)

    def test_responsible_is_the_customer_service_manager_first(self):
        self.customer.service_manager_id = self.service_manager
        self.assertEqual(self._complaint().user_id, self.service_manager)

    @freeze_time("2026-06-05 10:00:00")
    def test_deadline_from_the_days_per_severity_in_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            [
                settings.lab_complaint_days_minor,
                settings.lab_complaint_days_major,
                settings.lab_complaint_days_critical,
            ],
            [15, 7, 3],
        )
        settings.write(
            {
                "lab_complaint_days_minor": 10,
                "lab_complaint_days_major": 5,
                "lab_complaint_days_critical": 2,
            }
        )
        settings.execute()
        complaint = self._complaint().with_user(self.lab_user)
        # Received Friday 5 June; calendar days.
        for severity, deadline in [
            ("minor", date(2026, 6, 15)),
            ("major", date(2026, 6, 10)),
            ("critical", date(2026, 6, 7)),
        ]:
            with self.subTest(severity=severity):
                complaint.severity = severity
                self.assertEqual(complaint.deadline, deadline)
        complaint.received_date = "2026-06-01"
        self.assertEqual(complaint.deadline, date(2026, 6, 3))
        complaint.deadline = "2026-06-30"  # agreed with the customer
        self.assertEqual(complaint.deadline, date(2026, 6, 30))

    @freeze_time("2026-06-05 10:00:00")
    def test_deadline_from_the_settings_of_the_complaints_company(self):
        other_company = self.setup_other_company()["company"]
        self.env.company.lab_complaint_days_minor = 10
        other_company.lab_complaint_days_minor = 20
        here = self._complaint()
        there = self._complaint(company_id=other_company.id)
        # Received Friday 5 June; calendar days.
        self.assertEqual(here.deadline, date(2026, 6, 15))
        self.assertEqual(there.deadline, date(2026, 6, 25))

    def test_sample_gives_the_report_number(self):
        sample = self._sample(report_number="R2026-0042")
        complaint = self._complaint(sample_id=sample.id)
        self.assertEqual(complaint.report_number, "R2026-0042")
        complaint.report_number = "R2026-0042-A"  # the amended report
        self.assertEqual(complaint.report_number, "R2026-0042-A")

    def test_sample_must_belong_to_the_customer(self):
        sample = self._sample(customer=self.prepaid_customer)
        with self.assertRaisesRegex(ValidationError, "is not one of"):
            self._complaint(sample_id=sample.id)


@tagged("post_install", "-at_install")
class TestComplaintWorkflow(LabComplaintCommon):
    def test_each_step_needs_what_it_says(self):
        complaint = self._complaint(severity="major").with_user(self.lab_user)
        complaint.action_investigate()
        self.assertEqual(complaint.state, "investigating")

        with self.assertRaisesRegex(UserError, "Give the root cause of complaint"):
            complaint.action_take_action()
        complaint.root_cause = "Result typed in the wrong column"
        complaint.action_take_action()
        self.assertEqual(complaint.state, "action")

        complaint.action_await_customer()
        self.assertEqual(complaint.state, "awaiting_customer")
        messages = {
            "corrective_action": "the corrective action",
            "preventive_action": "the preventive action",
            "result_date": "the date the result was communicated to the customer",
            "result_method": "how the result was communicated",
            "result_text": "the result communicated",
        }
        # Each one missing is refused with its own words, then given.
        for field, words in messages.items():
            with self.subTest(missing=field):
                with self.assertRaisesRegex(UserError, words) as refused:
                    complaint.action_close()
                self.assertIn("before moving it to Closed", str(refused.exception))
                complaint[field] = CLOSING_VALUES[field]
        complaint.write(
            {"customer_acceptance": "accepted", "customer_acceptance_remarks": "OK"}
        )
        with freeze_time("2026-06-12"):
            complaint.action_close()
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.close_date, date(2026, 6, 12))

    def test_critical_complaint_needs_its_effectiveness_check(self):
        complaint = self._complaint(
            severity="critical", root_cause="Balance out of calibration"
        ).with_user(self.lab_user)
        complaint.action_investigate()
        complaint.action_take_action()
        complaint.write(CLOSING_VALUES)
        effectiveness = {
            "effectiveness_date": "2026-06-20",
            "effectiveness_user_id": self.lab_manager.id,
            "effectiveness_result": "Ten re-tests within tolerance",
        }
        messages = {
            "effectiveness_date": "the date of the effectiveness check",
            "effectiveness_user_id": "who checked effectiveness",
            "effectiveness_result": "the result of the effectiveness check",
        }
        for field in EFFECTIVENESS_FIELDS:
            with self.subTest(missing=field):
                with self.assertRaisesRegex(UserError, messages[field]):
                    complaint.action_close()
                complaint[field] = effectiveness[field]
        complaint.action_close()
        self.assertEqual(complaint.state, "closed")

    def test_rejection_needs_a_reason(self):
        complaint = self._complaint().with_user(self.lab_user)
        with self.assertRaisesRegex(UserError, "Give the rejection reason"):
            complaint.action_reject()
        complaint.rejection_reason = "The sample was damaged by the courier"
        complaint.action_reject()
        self.assertEqual(complaint.state, "rejected")
        complaint.action_reopen()
        self.assertEqual(complaint.state, "new")

    def test_values_written_with_the_move_count(self):
        complaint = self._complaint(state="investigating")
        complaint.with_user(self.lab_user).write(
            {"state": "action", "root_cause": "Wrong reagent lot"}
        )
        self.assertEqual(complaint.state, "action")

    def test_created_in_a_later_state_needs_the_same(self):
        with self.assertRaisesRegex(UserError, "Give the root cause"):
            self._complaint(state="action")
        with self.assertRaisesRegex(UserError, "the corrective action"):
            self._complaint(state="closed", root_cause="Typo")
        closed = self._complaint(
            state="closed",
            root_cause="Typo",
            received_date="2026-06-01",
            **{
                **CLOSING_VALUES,
                "close_date": "2026-06-09",
            },
        )
        self.assertEqual(closed.days_to_close, 8)

    def test_refused_moves(self):
        refused = {
            "new": ["action", "awaiting_customer", "closed"],
            "investigating": ["new", "awaiting_customer", "closed"],
            "action": ["new", "rejected"],
            "awaiting_customer": ["new", "investigating", "rejected"],
            "closed": ["new", "investigating", "action", "awaiting_customer"],
            "rejected": ["investigating", "action", "awaiting_customer", "closed"],
        }
        complete = {
            "received_date": "2026-06-01",  # before CLOSING_VALUES' result date
            "root_cause": "Typo",
            "rejection_reason": "Not ours",
            **CLOSING_VALUES,
        }
        for old, targets in refused.items():
            for new in targets:
                with self.subTest(old=old, new=new):
                    complaint = self._complaint(**complete)
                    complaint.sudo()._write({"state": old})  # put it there directly
                    complaint.invalidate_recordset(["state"])
                    with self.assertRaisesRegex(UserError, "cannot go from"):
                        complaint.write({"state": new})

    def test_days_to_close_counts_calendar_days(self):
        complaint = self._complaint(
            received_date="2026-06-01", root_cause="Typo", **CLOSING_VALUES
        )
        self.assertEqual(complaint.days_to_close, 0)  # not closed yet
        complaint.action_investigate()
        complaint.action_take_action()
        with freeze_time("2026-06-11"):
            complaint.action_close()
        self.assertEqual(complaint.days_to_close, 10)


@tagged("post_install", "-at_install")
class TestComplaintAccess(LabComplaintCommon):
    def test_only_lab_users_see_complaints(self):
        complaint = self._complaint()
        internal = new_test_user(self.env, login="plain_employee")
        with self.assertRaises(AccessError):
            complaint.with_user(internal).read(["summary"])
        with self.assertRaises(AccessError):
            self.env["lab.complaint"].with_user(internal).create(
                {"partner_id": self.customer.id, "summary": "Hello"}
            )
        self.assertEqual(complaint.with_user(self.lab_user).summary, "Result disputed")

    def test_lab_users_cannot_delete_managers_can(self):
        complaint = self._complaint()
        with self.assertRaises(AccessError):
            complaint.with_user(self.lab_user).unlink()
        complaint.with_user(self.lab_manager).unlink()
        self.assertFalse(complaint.exists())

    def test_responsible_is_on_the_account_team_or_oneself(self):
        """A Lab CRM user assigns a complaint to the customer's account team or
        to themselves, on creation as on edition; all customers' users and
        managers to anyone."""
        self.customer.service_manager_id = self.service_manager
        outsider = new_test_user(
            self.env, login="outsider", groups="lab_crm.group_lab_crm_user"
        )
        Complaint = self.env["lab.complaint"].with_user(self.lab_user)
        values = {"partner_id": self.customer.id, "summary": "Result disputed"}
        with self.assertRaisesRegex(AccessError, "not on the account team"):
            Complaint.create({**values, "user_id": outsider.id})
        complaint = Complaint.create({**values, "user_id": self.service_manager.id})
        self.assertEqual(complaint.user_id, self.service_manager)
        with self.assertRaisesRegex(AccessError, "not on the account team"):
            complaint.write({"user_id": outsider.id})
        self.assertEqual(complaint.user_id, self.service_manager)
        complaint.write({"user_id": self.lab_user.id})  # the account manager
        with self.assertRaises(AccessError):  # outside the team: not theirs to take
            complaint.with_user(outsider).write({"user_id": outsider.id})
        for user in (self.lab_billing, self.lab_manager):
            complaint.with_user(user).write({"user_id": outsider.id})
            self.assertEqual(complaint.user_id, outsider)

    def test_other_company_complaints_are_hidden(self):
        other_company = self.setup_other_company()["company"]
        complaint = self._complaint(company_id=other_company.id)
        with self.assertRaises(AccessError):
            complaint.with_user(self.lab_user).read(["summary"])


@tagged("post_install", "-at_install")
class TestOverdueComplaints(LabComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-06-01 09:00:00"):
            # Critical: due 4 June. Minor: due 16 June.
            cls.critical = cls._complaint(severity="critical")
            cls.minor = cls._complaint(severity="minor")
            cls.settled = cls._complaint(
                severity="critical",
                state="rejected",
                rejection_reason="Duplicate of another complaint",
            )
        cls.activity_type = cls.env.ref("lab_crm.mail_activity_type_complaint_overdue")

    def _overdue_activities(self, complaints):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "lab.complaint"),
                ("res_id", "in", complaints.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_overdue_is_open_and_past_its_deadline(self):
        Complaint = self.env["lab.complaint"].with_user(self.lab_user)
        mine = self.critical | self.minor | self.settled
        with freeze_time("2026-06-04"):
            self.assertFalse(
                Complaint.search([("id", "in", mine.ids), ("is_overdue", "=", True)])
            )
        with freeze_time("2026-06-05"):
            mine.invalidate_recordset(["is_overdue"])
            self.assertEqual(mine.mapped("is_overdue"), [True, False, False])
            self.assertEqual(
                Complaint.search([("id", "in", mine.ids), ("is_overdue", "=", True)]),
                self.critical,
            )
            self.assertEqual(
                Complaint.search([("id", "in", mine.ids), ("is_overdue", "=", False)]),
                self.minor | self.settled,
            )

    def test_overdue_job_leaves_the_customer_record_alone(self):
        """The daily job's activities send no assignment e-mail, whose portal
        link would write the customer's sign-up token: two daily jobs doing so
        for the same customer at once failed on a serialization error."""
        customer = self.critical.partner_id.commercial_partner_id.sudo()
        customer.signup_type = False
        with freeze_time("2026-06-05"):
            self.env["lab.complaint"]._cron_notify_overdue()
            self.env.flush_all()
        self.assertTrue(self._overdue_activities(self.critical))
        customer.invalidate_recordset(["signup_type"])
        self.assertFalse(customer.signup_type)

    def test_responsible_and_complaints_manager_told_once(self):
        self.env.company.lab_complaint_manager_id = self.lab_manager
        Complaint = self.env["lab.complaint"]
        with freeze_time("2026-06-05"):
            Complaint._cron_notify_overdue()
            Complaint._cron_notify_overdue()
        with freeze_time("2026-06-06"):
            Complaint._cron_notify_overdue()
        activities = self._overdue_activities(self.critical | self.minor | self.settled)
        self.assertEqual(set(activities.mapped("res_id")), {self.critical.id})
        self.assertEqual(
            sorted(activities.user_id.ids),
            sorted((self.lab_user | self.lab_manager).ids),
        )
        self.assertEqual(self.critical.overdue_notice_date, date(2026, 6, 4))

    def test_without_a_complaints_manager_every_lab_manager_is_told(self):
        with freeze_time("2026-06-05"):
            self.env["lab.complaint"]._cron_notify_overdue()
        # The responsible, and the Lab CRM managers of the complaint's company:
        # the fixture's lab manager and its accountant (who runs the laboratory).
        # Not OdooBot, and not the administrator, a Lab CRM manager who has no
        # access to the fixture's company.
        admin = self.env.ref("base.user_admin")
        self.assertIn(admin, self.env.ref("lab_crm.group_lab_crm_manager").user_ids)
        self.assertNotIn(self.env.company, admin.company_ids)
        self.assertEqual(
            self._overdue_activities(self.critical).user_id,
            self.lab_user | self.lab_manager | self.env.user,
        )

    def test_a_moved_deadline_is_noticed_again(self):
        self.env.company.lab_complaint_manager_id = self.lab_manager
        Complaint = self.env["lab.complaint"]
        with freeze_time("2026-06-05"):
            Complaint._cron_notify_overdue()
        self.critical.deadline = "2026-06-08"
        with freeze_time("2026-06-07"):
            Complaint._cron_notify_overdue()  # not overdue again yet
        self.assertEqual(len(self._overdue_activities(self.critical)), 2)
        with freeze_time("2026-06-09"):
            Complaint._cron_notify_overdue()
        self.assertEqual(len(self._overdue_activities(self.critical)), 4)


@tagged("post_install", "-at_install")
class TestComplaintByEmail(LabComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        domain = cls.env["mail.alias.domain"].create({"name": "lab-crm.example.com"})
        cls.alias = cls.env.ref("lab_crm.mail_alias_complaints")
        cls.alias.alias_domain_id = domain

    def _receive(self, sender, subject, body):
        message = (
            f"From: {sender}\r\n"
            "To: complaints@lab-crm.example.com\r\n"
            f"Subject: {subject}\r\n"
            f"Message-ID: <{abs(hash(subject))}.complaint@customer.example.com>\r\n"
            "Date: Fri, 05 Jun 2026 08:00:00 +0000\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            f"{body}\r\n"
        )
        complaint_id = self.env["mail.thread"].sudo().message_process(None, message)
        return self.env["lab.complaint"].browse(complaint_id)

    def test_alias_is_open_to_everyone(self):
        self.assertEqual(self.alias.alias_model_id.model, "lab.complaint")
        self.assertEqual(self.alias.alias_contact, "everyone")
        self.assertEqual(self.alias.alias_full_name, "complaints@lab-crm.example.com")

    def test_email_of_a_known_contact_opens_a_complaint_of_its_customer(self):
        complaint = self._receive(
            "Chen Li <chen.li@example.com>",
            "Formaldehyde result on our poplin",
            "The result is three times what our supplier measured.",
        )
        self.assertTrue(complaint)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertEqual(complaint.summary, "Formaldehyde result on our poplin")
        self.assertIn("three times", complaint.description)
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.user_id, self.lab_user)
        self.assertRegex(complaint.name, r"^C\d{4}-\d{5}$")
        incoming = complaint.message_ids.filtered(
            lambda message: "three times" in message.body
        )
        self.assertEqual(incoming.author_id, self.contact)
        # The lab user sees it in the complaints list.
        self.assertEqual(
            self.env["lab.complaint"]
            .with_user(self.lab_user)
            .search([("partner_id", "=", self.customer.id)]),
            complaint,
        )

    def test_email_of_an_unknown_sender_waits_for_review(self):
        """No contact is created and no customer given: the complaint waits "To
        Review" with the sender's address, for staff to assign it."""
        partners_before = self.env["res.partner"].search_count([])
        complaint = self._receive(
            "Wang Fang <wang.fang@newcomer.example.com>",
            "Nobody answers the phone",
            "I called five times about my sample.",
        )
        self.assertTrue(complaint)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.assertFalse(complaint.partner_id)
        self.assertFalse(complaint.contact_id)
        self.assertFalse(complaint.user_id)
        self.assertEqual(complaint.state, "review")
        self.assertEqual(
            complaint.email_from, '"Wang Fang" <wang.fang@newcomer.example.com>'
        )
        self.assertEqual(complaint.channel, "email")
        self.assertFalse(complaint.is_overdue)
        incoming = complaint.message_ids.filtered(
            lambda message: "five times" in message.body
        )
        self.assertFalse(incoming.author_id)
        self.assertEqual(incoming.email_from, complaint.email_from)
        # Nobody outside hears of it: no follower, no e-mail queued.
        self.assertFalse(complaint.message_partner_ids)
        self.assertFalse(
            self.env["mail.mail"].search(
                [("model", "=", "lab.complaint"), ("res_id", "=", complaint.id)]
            )
        )
        # Counted nowhere: not open, not a complaint of any customer.
        self.assertNotIn(
            complaint, self.env["lab.complaint"].search([("is_overdue", "=", True)])
        )
        self.assertEqual(self.customer.complaint_count_12m, 0)
        # Only who sees every customer finds it; a team user does not.
        self.assertFalse(
            self.env["lab.complaint"]
            .with_user(self.lab_user)
            .search([("id", "=", complaint.id)])
        )
        self.assertEqual(
            self.env["lab.complaint"]
            .with_user(self.lab_billing)
            .search([("state", "=", "review")]),
            complaint,
        )

    def test_reviewed_email_is_assigned_then_handled(self):
        complaint = self._receive(
            "someone@newcomer.example.com", "Late report", "Still waiting."
        )
        # Accepted only once it has a customer.
        with self.assertRaises(ValidationError):
            complaint.with_user(self.lab_billing).action_accept_review()
        complaint.with_user(self.lab_billing).write({"partner_id": self.customer.id})
        complaint.with_user(self.lab_billing).action_accept_review()
        self.assertEqual(complaint.state, "new")
        self.assertEqual(complaint.user_id, self.lab_user)
        # A complaint not in review always has its customer.
        with self.assertRaises(ValidationError):
            complaint.partner_id = False

    def test_reviewed_email_may_be_rejected(self):
        complaint = self._receive("spam@unknown.example.com", "Offer", "Buy now.")
        complaint.write({"state": "rejected", "rejection_reason": "Not a complaint"})
        self.assertEqual(complaint.state, "rejected")
        self.assertFalse(complaint.partner_id)


@tagged("post_install", "-at_install")
class TestComplaintCreditNote(LabComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A sample of both test items (200 + 300, no tax), invoiced: 500.
        cls.sample = cls._sample()
        cls.sample.action_start_review()
        cls.sample.action_approve_review()
        cls.invoice = cls.sample.sale_order_id._create_invoices()
        cls.invoice.action_post()

    def test_partial_credit_note_for_the_compensation(self):
        complaint = self._complaint(sample_id=self.sample.id).with_user(
            self.lab_billing
        )
        self.assertEqual(complaint.invoice_id, self.invoice)  # from the sample
        self.assertEqual(self.invoice.amount_total, 500.0)
        complaint.compensation_amount = 150.0
        complaint.action_create_credit_note()
        note = complaint.credit_note_id
        self.assertEqual(note.move_type, "out_refund")
        self.assertEqual(note.state, "draft")
        self.assertEqual(note.reversed_entry_id, self.invoice)
        self.assertEqual(note.partner_id, self.customer)
        # 150 / 500 = 0.3 of each line: 200 -> 60, 300 -> 90.
        self.assertEqual(
            sorted(note.invoice_line_ids.mapped("price_subtotal")), [60.0, 90.0]
        )
        self.assertEqual(note.amount_total, 150.0)
        self.assertIn(complaint.name, note.ref)
        with self.assertRaisesRegex(UserError, "already has its credit note"):
            complaint.action_create_credit_note()

    def test_without_compensation_the_whole_invoice_is_credited(self):
        complaint = self._complaint(sample_id=self.sample.id).with_user(
            self.lab_billing
        )
        complaint.action_create_credit_note()
        self.assertEqual(complaint.credit_note_id.amount_total, 500.0)
        self.assertEqual(complaint.credit_note_id.state, "draft")

    def test_compensation_above_the_invoice_is_refused(self):
        complaint = self._complaint(
            sample_id=self.sample.id, compensation_amount=500.01
        ).with_user(self.lab_billing)
        with self.assertRaisesRegex(UserError, "exceeds invoice"):
            complaint.action_create_credit_note()

    def test_a_lab_user_without_billing_rights_cannot(self):
        complaint = self._complaint(sample_id=self.sample.id).with_user(self.lab_user)
        with self.assertRaises(AccessError):
            complaint.action_create_credit_note()
        self.assertFalse(complaint.credit_note_id)

    def test_invoice_must_be_the_customers(self):
        with self.assertRaisesRegex(ValidationError, "is not one of"):
            self._complaint(customer=self.prepaid_customer, invoice_id=self.invoice.id)


@tagged("post_install", "-at_install")
class TestCustomerComplaintFigures(LabComplaintCommon):
    FIGURES = ["complaint_count", "complaint_open_count", "complaint_count_12m"]

    @freeze_time("2026-06-30 12:00:00")
    def test_figures_computed_by_hand(self):
        self._complaint(
            received_date="2025-03-01",
            state="closed",
            root_cause="Typo",
            **CLOSING_VALUES,
        )
        self._complaint(
            received_date="2025-09-15", state="rejected", rejection_reason="Not ours"
        )
        self._complaint(received_date="2026-06-01")
        self._complaint(
            received_date="2026-06-20", state="action", root_cause="Late courier"
        )
        quiet = self.env["res.partner"].create(
            {"name": "Quiet Ltd", "is_company": True}
        )
        customer = self.customer.with_user(self.lab_user)
        # 4 complaints; open: new and action (2); received since 2025-06-30:
        # 2025-09-15, 2026-06-01 and 2026-06-20 (3).
        self.assertEqual([customer[f] for f in self.FIGURES], [4, 2, 3])
        self.assertEqual([quiet[f] for f in self.FIGURES], [0, 0, 0])
        action = customer.action_view_complaints()
        self.assertEqual(len(self.env["lab.complaint"].search(action["domain"])), 4)

    def test_query_count_does_not_grow_with_the_number_of_customers(self):
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {n:02d}", "is_company": True} for n in range(40)]
        )
        self.env["lab.complaint"].create(
            [
                {"partner_id": customer.id, "summary": "Late report"}
                for customer in customers
            ]
        )
        self.env.flush_all()

        def queries_to_load(partners):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            rows = partners.read(self.FIGURES)
            return self.env.cr.sql_log_count - before, rows

        queries_to_load(customers[:1])  # warm the access-rights caches
        few, _rows = queries_to_load(customers[:10])
        many, rows_many = queries_to_load(customers)
        self.assertEqual(few, many)
        self.assertTrue(all(row["complaint_open_count"] == 1 for row in rows_many))
        self.assertLessEqual(many, 6)
