import os

from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class LabSampleCommon(AccountTestInvoicingCommon):
    """A company with its chart of accounts, its working calendar in Shanghai time,
    two test items, a post-paid and a prepaid customer, and lab users.

    The company is in the country LAB_CRM_TEST_COUNTRY gives, with its chart
    (tests/test_chinese_chart.py: CN), else on Odoo's generic chart."""

    country_code = os.environ.get("LAB_CRM_TEST_COUNTRY", False)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        # The fixture's accountant also runs the laboratory.
        cls.env.user.group_ids += cls.env.ref("lab_crm.group_lab_crm_manager")
        cls.calendar = company.resource_calendar_id
        cls.calendar.tz = "Asia/Shanghai"
        groups = "lab_crm.group_lab_crm_user"
        cls.lab_user = new_test_user(
            cls.env, login="lab_user", groups=groups, company_id=company.id
        )
        cls.lab_manager = new_test_user(
            cls.env,
            login="lab_manager",
            groups="lab_crm.group_lab_crm_manager,account.group_account_invoice",
            company_id=company.id,
        )
        Product = cls.env["product.product"]
        cls.tensile = Product.create(
            {
                "name": "Tensile strength",
                "type": "service",
                "is_lab_test_item": True,
                "lab_standard": "GB/T 3923.1-2013",
                "lab_turnaround_days": 3,
                "list_price": 200.0,
                "taxes_id": False,
            }
        )
        cls.colour = Product.create(
            {
                "name": "Colour fastness to washing",
                "type": "service",
                "is_lab_test_item": True,
                "lab_standard": "GB/T 3921-2008",
                "lab_turnaround_days": 5,
                "list_price": 300.0,
                "taxes_id": False,
            }
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {"name": "Jiangnan Textile", "is_company": True, "user_id": cls.lab_user.id}
        )
        cls.contact = Partner.create(
            {
                "name": "Chen Li",
                "parent_id": cls.customer.id,
                "email": "chen.li@example.com",
            }
        )
        cls.prepaid_customer = Partner.create(
            {"name": "Walk-in Workshop", "is_company": True, "is_lab_prepaid": True}
        )

    @classmethod
    def _sample(cls, customer=None, items=None, **vals):
        customer = customer or cls.customer
        items = items if items is not None else cls.tensile | cls.colour
        return cls.env["lab.sample"].create(
            {
                "partner_id": customer.id,
                "sample_name": "Cotton poplin",
                "line_ids": [(0, 0, {"product_id": item.id}) for item in items],
                **vals,
            }
        )

    def _pay(self, order):
        """Invoice the confirmed order, post the invoice and register its payment."""
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        return invoice
