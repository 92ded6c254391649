from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

# Valid unified social credit codes (check digits per GB 32100-2015).
CODE_A = "91110108551385082Q"
CODE_B = "91440300260181590Y"


def password(user):
    """The password new_test_user gives: the login padded to 8 characters."""
    return user.login + "x" * (8 - len(user.login))


class LabCrmFixture:
    """Users of each lab_crm group and one customer with a contact."""

    @classmethod
    def setup_lab_fixture(cls):
        cls.lab_user = new_test_user(
            cls.env, login="lab_user", groups="lab_crm.group_lab_crm_user"
        )
        cls.lab_manager = new_test_user(
            cls.env, login="lab_manager", groups="lab_crm.group_lab_crm_manager"
        )
        cls.lab_sensitive = new_test_user(
            cls.env, login="lab_sensitive", groups="lab_crm.group_lab_crm_sensitive"
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Jiangnan Textile",
                "is_company": True,
                "customer_category": "manufacturer",
                # Both Lab CRM users are on its account team.
                "user_id": cls.lab_user.id,
                "technical_advisor_id": cls.lab_sensitive.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Chen Li", "parent_id": cls.customer.id}
        )


class LabCrmCommon(BaseCommon, LabCrmFixture):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_lab_fixture()
