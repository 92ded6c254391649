from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import LabCrmCommon


@tagged("post_install", "-at_install")
class TestMarket(LabCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lab_other = new_test_user(
            cls.env, login="lab_other", groups="lab_crm.group_lab_crm_user"
        )
        cls.rival = cls.env["lab.competitor"].create(
            {"name": "Eastern Testing Centre", "price_level": "lower"}
        )
        Partner = cls.env["res.partner"]

        def customer(name, category, manager, **vals):
            return Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "city": "Shaoxing",
                    "email": f"{name.lower().replace(' ', '.')}@example.com",
                    "customer_category": category,
                    "lifecycle_stage": "active",
                    "user_id": manager.id,
                    **vals,
                }
            )

        # Four customers in Shaoxing: three manufacturers (of three account
        # managers, one of them lost to the rival) and a regulator also lost to it.
        cls.weaver = customer("Shaoxing Weaver", "manufacturer", cls.lab_user)
        cls.dyer = customer("Shaoxing Dyer", "manufacturer", cls.lab_other)
        lost = {
            "lifecycle_stage": "lost",
            "lifecycle_lost_reason": "competitor",
            "lost_to_competitor_id": cls.rival.id,
        }
        cls.printer = customer(
            "Shaoxing Printer", "manufacturer", cls.lab_manager, **lost
        )
        cls.bureau = customer("Shaoxing Bureau", "government", cls.lab_user, **lost)
        cls.group = cls.env["lab.target.group"].create(
            {
                "name": "Shaoxing manufacturers",
                "customer_domain": "[('customer_category', '=', 'manufacturer'), "
                "('city', '=', 'Shaoxing')]",
            }
        )
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Open day",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "Open day for {{ object.name }}",
                "body_html": "<p>Visit our laboratory on our open day.</p>",
                "partner_to": "{{ object.id }}",
            }
        )
        cls.call = cls.env.ref("mail.mail_activity_data_call")

    def _plan(self, user, template=None):
        wizard_model = (
            self.env["lab.target.group.plan.wizard"]
            .with_user(user)
            .with_context(default_target_group_id=self.group.id)
        )
        with Form(wizard_model) as wizard:
            wizard.activity_type_id = self.call
            wizard.summary = "Invite to the open day"
            if template:
                wizard.mail_template_id = template
        wizard.record.action_plan()

    def _activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", (self.weaver | self.dyer | self.printer).ids),
                ("summary", "=", "Invite to the open day"),
            ]
        )

    def _mails(self):
        """The e-mails to the customers (not the assignment notices to users)."""
        customers = self.weaver | self.dyer | self.printer
        return self.env["mail.mail"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "in", customers.ids),
                ("recipient_ids", "in", customers.ids),
            ]
        )

    def test_competitor_name_is_unique_per_company(self):
        with self.assertRaises(UniqueViolation), mute_logger("odoo.sql_db"):
            self.env["lab.competitor"].create({"name": "Eastern Testing Centre"})

    def test_competitor_name_may_repeat_in_another_company(self):
        other_company = self.env["res.company"].create({"name": "Lab Two"})
        twin = self.env["lab.competitor"].create(
            {"name": "Eastern Testing Centre", "company_id": other_company.id}
        )
        self.assertEqual(twin.name, self.rival.name)

    def test_lost_customers_appear_under_their_competitor(self):
        self.assertEqual(self.rival.lost_customer_ids, self.printer | self.bureau)
        self.assertEqual(self.rival.lost_customer_count, 2)
        # A user counts only the lost customers of their own team: the bureau.
        self.assertEqual(self.rival.with_user(self.lab_user).lost_customer_count, 1)
        action = self.rival.action_view_lost_customers()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.printer | self.bureau
        )
        # Won back: no longer lost, no longer the competitor's.
        self.printer.lifecycle_stage = "active"
        self.assertFalse(self.printer.lost_to_competitor_id)
        self.rival.invalidate_recordset()
        self.assertEqual(self.rival.lost_customer_count, 1)

    def test_target_group_picks_its_customers(self):
        # Manufacturers in Shaoxing: weaver, dyer, printer; not the bureau
        # (regulator) nor Jiangnan Textile (no city).
        self.assertEqual(
            self.group._target_customers(), self.weaver | self.dyer | self.printer
        )
        self.assertEqual(self.group.customer_count, 3)
        action = self.group.action_view_customers()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]),
            self.weaver | self.dyer | self.printer,
        )

    def test_unreadable_filter_is_a_clear_error(self):
        self.group.customer_domain = "[('city', '=', "
        with self.assertRaisesRegex(UserError, "not a valid filter"):
            self.group._target_customers()

    def test_plan_gives_each_account_manager_one_activity_per_customer(self):
        self._plan(self.lab_manager, template=self.template)
        activities = self._activities()
        self.assertEqual(len(activities), 3)
        self.assertEqual(
            {(a.res_id, a.user_id) for a in activities},
            {
                (self.weaver.id, self.lab_user),
                (self.dyer.id, self.lab_other),
                (self.printer.id, self.lab_manager),
            },
        )
        self.assertEqual(set(activities.activity_type_id.ids), {self.call.id})
        mails = self._mails()
        self.assertEqual(len(mails), 3)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(
            set(mails.mapped("subject")),
            {
                "Open day for Shaoxing Weaver",
                "Open day for Shaoxing Dyer",
                "Open day for Shaoxing Printer",
            },
        )

    def test_plan_without_template_sends_nothing(self):
        self._plan(self.lab_manager)
        self.assertEqual(len(self._activities()), 3)
        self.assertFalse(self._mails())

    def test_user_plans_only_on_the_customers_of_their_team(self):
        self.assertEqual(self.group.with_user(self.lab_user).customer_count, 1)
        self._plan(self.lab_user, template=self.template)
        activities = self._activities()
        self.assertEqual(activities.mapped("res_id"), [self.weaver.id])
        self.assertEqual(activities.user_id, self.lab_user)
        self.assertEqual(self._mails().mapped("res_id"), [self.weaver.id])

    def test_only_managers_create_competitors_and_groups(self):
        with self.assertRaises(AccessError):
            self.env["lab.competitor"].with_user(self.lab_user).create(
                {"name": "Northern Lab"}
            )
        with self.assertRaises(AccessError):
            self.env["lab.target.group"].with_user(self.lab_user).create(
                {"name": "Everyone"}
            )
        self.assertEqual(self.rival.with_user(self.lab_user).name, self.rival.name)
        with Form(self.env["lab.competitor"].with_user(self.lab_manager)) as form:
            form.name = "Northern Lab"
            form.price_level = "higher"
        self.assertEqual(form.record.price_level, "higher")
