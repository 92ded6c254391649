import re

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tests import Form, tagged

from .common import LabCrmCommon


@tagged("post_install", "-at_install")
class TestProfile(LabCrmCommon):
    def test_lost_customer_needs_a_reason(self):
        with self.assertRaisesRegex(
            ValidationError, "Give the reason why Jiangnan Textile was lost"
        ):
            self.customer.lifecycle_stage = "lost"
        self.customer.write(
            {"lifecycle_stage": "lost", "lifecycle_lost_reason": "competitor"}
        )
        self.assertEqual(self.customer.lifecycle_lost_reason, "competitor")

    def test_leaving_lost_clears_the_reason(self):
        self.customer.write(
            {"lifecycle_stage": "lost", "lifecycle_lost_reason": "unreasonable_fees"}
        )
        self.customer.lifecycle_stage = "active"
        self.assertFalse(self.customer.lifecycle_lost_reason)

    def test_quality_executive_must_be_a_contact_of_the_customer(self):
        self.customer.quality_executive_id = self.contact
        stranger = self.env["res.partner"].create({"name": "Somebody Else"})
        with self.assertRaisesRegex(ValidationError, "must be one of its contacts"):
            self.customer.quality_executive_id = stranger

    def test_referral_keeps_the_referrer_and_other_channels_clear_it(self):
        referrer = self.env["res.partner"].create(
            {"name": "Old Customer", "is_company": True}
        )
        with Form(self.customer.with_user(self.lab_user)) as form:
            form.acquisition_channel = "referral"
            form.referrer_id = referrer
        self.assertEqual(self.customer.referrer_id, referrer)
        with Form(self.customer.with_user(self.lab_user)) as form:
            form.acquisition_channel = "exhibition"
        self.assertFalse(self.customer.referrer_id)

    def test_customer_cannot_refer_itself(self):
        with self.assertRaisesRegex(ValidationError, "cannot be referred by itself"):
            self.customer.referrer_id = self.customer

    def test_new_company_starts_as_prospect(self):
        partner = self.env["res.partner"].create(
            {"name": "Newcomer", "is_company": True}
        )
        self.assertEqual(partner.lifecycle_stage, "prospect")

    def test_customer_search_offers_the_profile_filters_and_groupings(self):
        action = self.env.ref("lab_crm.res_partner_action_lab_customer")
        views = (
            self.env["res.partner"]
            .with_user(self.lab_user)
            .get_views([(action.search_view_id.id, "search")])
        )
        arch = etree.fromstring(views["views"]["search"]["arch"])
        group_bys = {
            match.group(1)
            for node in arch.iter("filter")
            if (
                match := re.search(
                    r"'group_by'\s*:\s*'(\w+)'", node.get("context") or ""
                )
            )
        }
        self.assertLessEqual(
            {
                "customer_category",
                "ownership_type",
                "enterprise_scale",
                "acquisition_channel",
                "lifecycle_stage",
                "user_id",
            },
            group_bys,
        )
        panel = {node.get("name") for node in arch.iterfind("searchpanel/field")}
        self.assertEqual(
            panel,
            {
                "customer_category",
                "lifecycle_stage",
                "enterprise_scale",
                "ownership_type",
                "acquisition_channel",
            },
        )
        filters = {node.get("name") for node in arch.iter("filter")}
        self.assertLessEqual(
            {"my_customers", "category_manufacturer", "stage_at_risk", "stage_lost"},
            filters,
        )

    def test_my_customers_filter_covers_every_account_team_role(self):
        advised = self.env["res.partner"].create(
            {
                "name": "Advised Ltd",
                "is_company": True,
                "technical_advisor_id": self.lab_user.id,
            }
        )
        served = self.env["res.partner"].create(
            {
                "name": "Served Ltd",
                "is_company": True,
                "service_manager_id": self.lab_user.id,
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Someone Else's",
                "is_company": True,
                "user_id": self.lab_manager.id,
            }
        )
        Partner = self.env["res.partner"].with_user(self.lab_user)
        mine = Partner.search(
            Partner._lab_account_team_domain(self.lab_user)
            & Domain("is_company", "=", True)
        )
        self.assertEqual(mine, self.customer | advised | served)
