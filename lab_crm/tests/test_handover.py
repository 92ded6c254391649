from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import LabCrmCommon


@tagged("post_install", "-at_install")
class TestHandover(LabCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "lab_crm.group_lab_crm_user,sales_team.group_sale_salesman"
        cls.departing = new_test_user(cls.env, login="departing", groups=groups)
        cls.successor = new_test_user(cls.env, login="successor", groups=groups)
        cls.colleague = new_test_user(cls.env, login="colleague", groups=groups)
        Partner = cls.env["res.partner"]
        # The departing user's customers, one per account-team role (and one archived).
        cls.managed = Partner.create(
            {"name": "Managed", "is_company": True, "user_id": cls.departing.id}
        )
        cls.served = Partner.create(
            {
                "name": "Served",
                "is_company": True,
                "service_manager_id": cls.departing.id,
                "user_id": cls.colleague.id,
            }
        )
        cls.advised = Partner.create(
            {
                "name": "Advised",
                "is_company": True,
                "technical_advisor_id": cls.departing.id,
            }
        )
        cls.archived = Partner.create(
            {
                "name": "Archived",
                "is_company": True,
                "user_id": cls.departing.id,
                "active": False,
            }
        )
        # A colleague's customer, untouched by the handover.
        cls.others = Partner.create(
            {
                "name": "Others",
                "is_company": True,
                "user_id": cls.colleague.id,
                "technical_advisor_id": cls.colleague.id,
            }
        )

        Activity = cls.env["mail.activity"]
        todo = cls.env.ref("mail.mail_activity_data_todo")

        def activity(record, user):
            return Activity.create(
                {
                    "res_model_id": cls.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": todo.id,
                    "user_id": user.id,
                    "summary": f"{record.display_name} for {user.login}",
                }
            )

        cls.activity_managed = activity(cls.managed, cls.departing)
        cls.activity_managed_colleague = activity(cls.managed, cls.colleague)
        cls.activity_others = activity(
            cls.others, cls.departing
        )  # not on a departing user's customer

        Lead = cls.env["crm.lead"]
        cls.lead_open = Lead.create(
            {
                "name": "Open deal",
                "type": "opportunity",
                "partner_id": cls.managed.id,
                "user_id": cls.departing.id,
            }
        )
        cls.activity_lead = activity(cls.lead_open, cls.departing)
        cls.lead_colleague = Lead.create(
            {
                "name": "Colleague's deal",
                "type": "opportunity",
                "partner_id": cls.managed.id,
                "user_id": cls.colleague.id,
            }
        )
        cls.lead_won = Lead.create(
            {
                "name": "Won deal",
                "type": "opportunity",
                "partner_id": cls.managed.id,
                "user_id": cls.departing.id,
            }
        )
        cls.lead_won.action_set_won()
        cls.lead_others = Lead.create(
            {
                "name": "Deal of another customer",
                "type": "opportunity",
                "partner_id": cls.others.id,
                "user_id": cls.departing.id,
            }
        )

    def _run_handover(self, user):
        with Form(self.env["lab.handover.wizard"].with_user(user)) as form:
            form.departing_user_id = self.departing
            form.successor_id = self.successor
        wizard = form.record
        wizard.action_handover()
        return wizard

    def test_handover_moves_exactly_the_departing_users_records(self):
        wizard = self._run_handover(self.lab_manager)

        self.assertEqual(self.managed.user_id, self.successor)
        self.assertEqual(self.archived.user_id, self.successor)
        self.assertEqual(self.served.service_manager_id, self.successor)
        self.assertEqual(self.served.user_id, self.colleague)  # the other role stays
        self.assertEqual(self.advised.technical_advisor_id, self.successor)
        self.assertEqual(
            (self.others.user_id, self.others.technical_advisor_id),
            (self.colleague, self.colleague),
        )

        self.assertEqual(self.activity_managed.user_id, self.successor)
        self.assertEqual(self.activity_lead.user_id, self.successor)
        self.assertEqual(self.activity_managed_colleague.user_id, self.colleague)
        self.assertEqual(self.activity_others.user_id, self.departing)

        self.assertEqual(self.lead_open.user_id, self.successor)
        self.assertEqual(self.lead_colleague.user_id, self.colleague)
        self.assertEqual(self.lead_won.user_id, self.departing)
        self.assertEqual(self.lead_others.user_id, self.departing)

        self.assertEqual(wizard.state, "done")
        self.assertEqual(
            wizard.with_context(active_test=False).partner_ids,
            self.managed | self.served | self.advised | self.archived,
        )
        self.assertEqual(
            (wizard.partner_count, wizard.activity_count, wizard.opportunity_count),
            (4, 2, 1),
        )

    def test_handover_is_logged_on_each_customer(self):
        self._run_handover(self.lab_manager)
        for customer, role in [
            (self.managed, "Salesperson"),
            (self.served, "Customer-Service Manager"),
            (self.advised, "Technical Advisor"),
        ]:
            with self.subTest(customer=customer.name):
                body = customer.message_ids[0].body
                self.assertIn("Account team handover from departing", body)
                self.assertIn("to successor", body)
                self.assertIn(role, body)
        self.assertNotIn(
            "handover",
            self.others.message_ids.mapped("body")[0]
            if self.others.message_ids
            else "",
        )

    def test_only_managers_run_a_handover(self):
        with self.assertRaises(AccessError):
            self._run_handover(self.lab_user)

    def test_successor_must_be_someone_else(self):
        with self.assertRaises(ValidationError):
            self.env["lab.handover.wizard"].create(
                {
                    "departing_user_id": self.departing.id,
                    "successor_id": self.departing.id,
                }
            )
