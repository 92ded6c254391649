from datetime import datetime

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .sample_common import LabSampleCommon


class LabServiceRequestCommon(LabSampleCommon):
    """The sample fixture, and an account team: the lab user is the account
    manager, plus a customer-service manager and a technical advisor."""

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
        cls.advisor = new_test_user(
            cls.env,
            login="advisor",
            groups="lab_crm.group_lab_crm_user",
            company_id=company.id,
        )
        cls.customer.write(
            {
                "service_manager_id": cls.service_manager.id,
                "technical_advisor_id": cls.advisor.id,
            }
        )
        # Types with known deadlines, whatever the data says.
        cls.technical = cls.env.ref("lab_crm.lab_service_request_type_technical")
        cls.technical.write({"response_hours": 8, "resolution_days": 3})
        cls.quotation = cls.env.ref("lab_crm.lab_service_request_type_quotation")
        cls.quotation.write({"response_hours": 4, "resolution_days": 2})
        cls.retest = cls.env.ref("lab_crm.lab_service_request_type_retest")

    @classmethod
    def _request(cls, kind=None, customer=None, **vals):
        return cls.env["lab.service.request"].create(
            {
                "partner_id": (customer or cls.customer).id,
                "type_id": (kind or cls.technical).id,
                "summary": "Which standard for children's sleepwear?",
                **vals,
            }
        )


@tagged("post_install", "-at_install")
class TestServiceRequestRouting(LabServiceRequestCommon):
    @freeze_time("2026-06-05 10:00:00")
    def test_registered_in_the_form_by_a_lab_user(self):
        with Form(self.env["lab.service.request"].with_user(self.lab_user)) as form:
            form.partner_id = self.customer
            form.contact_id = self.contact
            form.type_id = self.technical
            form.channel = "email"
            form.summary = "Is GB 18401 class A needed for baby bedding?"
        request = form.record
        self.assertRegex(request.name, r"^SR2026-\d{5}$")
        self.assertEqual(request.state, "new")
        self.assertEqual(request.requested_datetime, datetime(2026, 6, 5, 10, 0))
        # A technical question goes to the technical advisor.
        self.assertEqual(request.user_id, self.advisor)

    def test_routed_by_type_to_the_account_team(self):
        for kind, responsible in [
            (self.technical, self.advisor),
            (self.quotation, self.service_manager),
            (self.retest, self.service_manager),
            (
                self.env.ref("lab_crm.lab_service_request_type_accreditation"),
                self.advisor,
            ),
        ]:
            with self.subTest(kind=kind.name):
                self.assertEqual(self._request(kind).user_id, responsible)

    def test_without_the_role_the_account_manager_answers(self):
        self.customer.technical_advisor_id = False
        self.assertEqual(self._request(self.technical).user_id, self.lab_user)
        # The responsible person may be changed by hand.
        request = self._request(self.quotation)
        request.user_id = self.lab_manager
        self.assertEqual(request.user_id, self.lab_manager)

    def test_responsible_is_on_the_account_team_or_oneself(self):
        """Routed or chosen, the responsible person of a Lab CRM user's request is
        on the customer's account team, or the user; all customers' users and
        managers may choose anyone."""
        outsider = new_test_user(
            self.env, login="outsider", groups="lab_crm.group_lab_crm_user"
        )
        Request = self.env["lab.service.request"].with_user(self.lab_user)
        values = {
            "partner_id": self.customer.id,
            "type_id": self.technical.id,
            "summary": "Which standard?",
        }
        with self.assertRaisesRegex(AccessError, "not on the account team"):
            Request.create({**values, "user_id": outsider.id})
        request = Request.create({**values, "user_id": self.service_manager.id})
        self.assertEqual(request.user_id, self.service_manager)
        with self.assertRaisesRegex(AccessError, "not on the account team"):
            request.write({"user_id": outsider.id})
        request.write({"user_id": self.advisor.id})
        self.assertEqual(request.user_id, self.advisor)
        all_customers = new_test_user(
            self.env, login="reception", groups="lab_crm.group_lab_crm_all"
        )
        request.with_user(all_customers).write({"user_id": outsider.id})
        self.assertEqual(request.user_id, outsider)

    def test_references_are_per_company(self):
        other_company = self.setup_other_company()["company"]
        sequences = self.env["ir.sequence"].search(
            [("code", "=", "lab.service.request")]
        )
        self.assertIn(other_company, sequences.company_id)
        self.assertNotEqual(self._request().name, self._request().name)

    def test_only_lab_users_see_requests(self):
        request = self._request()
        outsider = new_test_user(self.env, login="outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            request.with_user(outsider).read(["summary"])
        with self.assertRaises(AccessError):
            request.with_user(self.lab_user).unlink()
        request.with_user(self.lab_manager).unlink()

    def test_other_company_requests_and_contracts_are_hidden(self):
        other_company = self.setup_other_company()["company"]
        request = self._request(company_id=other_company.id)
        contract = self.env["lab.service.contract"].create(
            {
                "partner_id": self.customer.id,
                "company_id": other_company.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        with self.assertRaises(AccessError):
            request.with_user(self.lab_user).read(["summary"])
        with self.assertRaises(AccessError):
            contract.with_user(self.lab_user).read(["title"])


@tagged("post_install", "-at_install")
class TestServiceRequestDeadlines(LabServiceRequestCommon):
    @freeze_time("2026-06-05 10:00:00")
    def test_deadlines_from_the_type(self):
        request = self._request(self.technical).with_user(self.lab_user)
        # Technical question: first response within 8 hours, resolution 3 days.
        self.assertEqual(request.response_deadline, datetime(2026, 6, 5, 18, 0))
        self.assertEqual(request.resolution_deadline, datetime(2026, 6, 8, 10, 0))
        request.type_id = self.quotation  # 4 hours, 2 days
        self.assertEqual(request.response_deadline, datetime(2026, 6, 5, 14, 0))
        self.assertEqual(request.resolution_deadline, datetime(2026, 6, 7, 10, 0))
        request.resolution_deadline = datetime(2026, 6, 12, 10, 0)  # agreed
        self.assertEqual(request.resolution_deadline, datetime(2026, 6, 12, 10, 0))

    def test_manager_sets_the_deadlines_of_a_type(self):
        self.technical.with_user(self.lab_manager).write(
            {"response_hours": 2, "resolution_days": 1}
        )
        with self.assertRaises(AccessError):
            self.technical.with_user(self.lab_user).write({"response_hours": 24})
        with freeze_time("2026-06-05 10:00:00"):
            request = self._request(self.technical)
        self.assertEqual(request.response_deadline, datetime(2026, 6, 5, 12, 0))
        self.assertEqual(request.resolution_deadline, datetime(2026, 6, 6, 10, 0))

    def test_response_and_resolution_times_are_measured(self):
        with freeze_time("2026-06-05 10:00:00"):
            on_time = self._request(self.technical).with_user(self.advisor)
            late = self._request(self.technical).with_user(self.advisor)
        with freeze_time("2026-06-05 12:30:00"):
            on_time.action_start()
        with freeze_time("2026-06-05 19:00:00"):
            late.action_answer()  # first response and answer at once
        with freeze_time("2026-06-06 10:00:00"):
            on_time.action_answer()
        with freeze_time("2026-06-07 09:00:00"):
            on_time.action_close()
        # 10:00 to 12:30 is 2.5 hours; to 10:00 the next day, 24 hours.
        self.assertEqual(on_time.response_hours, 2.5)
        self.assertEqual(on_time.resolution_hours, 24.0)
        self.assertFalse(on_time.is_response_late)
        self.assertFalse(on_time.is_resolution_late)
        self.assertEqual(on_time.closed_datetime, datetime(2026, 6, 7, 9, 0))
        # 9 hours for both: past the 8-hour first response, within the 3 days.
        self.assertEqual(late.response_hours, 9.0)
        self.assertEqual(late.resolution_hours, 9.0)
        self.assertTrue(late.is_response_late)
        self.assertFalse(late.is_resolution_late)

    def test_an_answer_that_did_not_resolve_is_measured_again(self):
        with freeze_time("2026-06-05 10:00:00"):
            request = self._request(self.technical).with_user(self.advisor)
        with freeze_time("2026-06-05 11:00:00"):
            request.action_answer()
        with freeze_time("2026-06-06 10:00:00"):
            request.action_reopen()
        self.assertFalse(request.answered_datetime)
        with freeze_time("2026-06-09 10:00:00"):
            request.action_answer()
        # First response after 1 hour stays; resolution after 4 days, late.
        self.assertEqual(request.response_hours, 1.0)
        self.assertEqual(request.resolution_hours, 96.0)
        self.assertTrue(request.is_resolution_late)

    def test_refused_moves(self):
        request = self._request().with_user(self.lab_user)
        with self.assertRaisesRegex(UserError, "cannot go from New to Closed"):
            request.action_close()
        request.action_answer()
        request.action_close()
        with self.assertRaisesRegex(UserError, "cannot go from Closed to In Progress"):
            request.action_reopen()


@tagged("post_install", "-at_install")
class TestServiceRequestOverdue(LabServiceRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-06-05 10:00:00"):
            # Technical: respond by 18:00 the same day, resolve by 8 June 10:00.
            cls.waiting = cls._request(cls.technical)
            cls.answered = cls._request(cls.technical)
            cls.answered.action_answer()
            cls.started = cls._request(cls.technical)
            cls.started.action_start()
        cls.activity_type = cls.env.ref(
            "lab_crm.mail_activity_type_service_request_overdue"
        )

    def _overdue_activities(self, requests):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "lab.service.request"),
                ("res_id", "in", requests.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_overdue_when_a_deadline_passes_unanswered(self):
        Request = self.env["lab.service.request"]
        mine = self.waiting | self.answered | self.started
        with freeze_time("2026-06-05 17:59:00"):
            self.assertFalse(
                Request.search([("id", "in", mine.ids), ("is_overdue", "=", True)])
            )
        with freeze_time("2026-06-05 18:01:00"):
            # Past the first-response deadline: only the one never responded to.
            self.assertEqual(
                Request.search([("id", "in", mine.ids), ("is_overdue", "=", True)]),
                self.waiting,
            )
            mine.invalidate_recordset(["is_overdue"])
            self.assertEqual(mine.mapped("is_overdue"), [True, False, False])
        with freeze_time("2026-06-08 10:01:00"):
            # Past the resolution deadline: the started one too.
            self.assertEqual(
                Request.search([("id", "in", mine.ids), ("is_overdue", "=", True)]),
                self.waiting | self.started,
            )
            self.assertEqual(
                Request.search([("id", "in", mine.ids), ("is_overdue", "=", False)]),
                self.answered,
            )

    def test_one_activity_for_the_responsible_once(self):
        Request = self.env["lab.service.request"]
        with freeze_time("2026-06-05 19:00:00"):
            Request._cron_notify_overdue()
            Request._cron_notify_overdue()
        with freeze_time("2026-06-09 10:00:00"):
            Request._cron_notify_overdue()
        activities = self._overdue_activities(
            self.waiting | self.answered | self.started
        )
        # The waiting one when its first response was due, the started one when
        # its resolution was; the waiting one is not told again on 9 June.
        self.assertEqual(len(activities), 2)
        self.assertEqual(
            set(activities.mapped("res_id")), {self.waiting.id, self.started.id}
        )
        self.assertEqual(activities.user_id, self.advisor)
        self.assertTrue(self.waiting.overdue_notified)
        self.assertFalse(self.answered.overdue_notified)


@tagged("post_install", "-at_install")
class TestServiceRequestConversion(LabServiceRequestCommon):
    def test_request_becomes_a_sample_then_a_complaint(self):
        request = self._request(
            self.retest,
            contact_id=self.contact.id,
            summary="Re-test of the pilling result",
            description="<p>The buyer's lab found grade 2.</p>",
            channel="email",
        ).with_user(self.service_manager)
        action = request.action_create_sample()
        sample = request.sample_id
        self.assertEqual(action["res_model"], "lab.sample")
        self.assertEqual(action["res_id"], sample.id)
        self.assertEqual(sample.partner_id, self.customer)
        self.assertEqual(sample.contact_id, self.contact)
        self.assertEqual(sample.sample_name, "Re-test of the pilling result")
        self.assertIn("grade 2", sample.description)
        # Taking it up is the first response.
        self.assertEqual(request.state, "in_progress")
        self.assertTrue(request.response_datetime)
        # The sample's chatter says where it came from.
        self.assertIn(request.name, sample.message_ids[0].body)
        # A second click opens the same sample.
        self.assertEqual(request.action_create_sample()["res_id"], sample.id)

        request.action_create_complaint()
        complaint = request.complaint_id
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(complaint.contact_id, self.contact)
        self.assertEqual(complaint.summary, "Re-test of the pilling result")
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.sample_id, sample)
        self.assertIn(request.name, complaint.message_ids[0].body)

    def test_request_becomes_a_quotation(self):
        request = self._request(self.quotation).with_user(self.service_manager)
        action = request.action_create_sale_order()
        order = request.sale_order_id
        self.assertEqual(action["res_id"], order.id)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.origin, request.name)
        # Whoever handles the request quotes it (and sees the quotation).
        self.assertEqual(order.user_id, self.service_manager)
        self.assertEqual(order.state, "draft")

    def test_a_closed_request_keeps_its_links(self):
        request = self._request(self.quotation).with_user(self.service_manager)
        request.action_create_sale_order()
        request.action_answer()
        request.action_close()
        self.assertTrue(request.sale_order_id)
        self.assertEqual(request.sale_order_id.origin, request.name)

    def test_what_it_became_is_its_customers(self):
        """The links are read-only in the form, not over RPC: another customer's
        sample is refused, its own accepted."""
        request = self._request()
        own = self.env["lab.sample"].create(
            {"partner_id": self.customer.id, "sample_name": "Cotton"}
        )
        foreign = self.env["lab.sample"].create(
            {"partner_id": self.prepaid_customer.id, "sample_name": "Silk"}
        )
        with (
            self.assertRaisesRegex(ValidationError, "is not one of"),
            self.env.cr.savepoint(),
        ):
            request.write({"sample_id": foreign.id})
        request.invalidate_recordset()
        self.assertFalse(request.sample_id)
        request.write({"sample_id": own.id})
        self.assertEqual(request.sample_id, own)
