from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBackofficeTour(HttpCase):
    def test_user_registers_and_reports_a_sample(self):
        user = new_test_user(
            self.env, login="tour_user", groups="lab_crm.group_lab_crm_user"
        )
        self.env["product.product"].create(
            {
                "name": "Tour tensile strength",
                "type": "service",
                "is_lab_test_item": True,
                "lab_turnaround_days": 3,
                "list_price": 200.0,
                "taxes_id": False,
            }
        )
        self.start_tour(
            "/odoo/action-lab_crm.res_partner_action_lab_customer",
            "lab_backoffice_tour",
            login=user.login,
        )
        customer = self.env["res.partner"].search([("name", "=", "Tour Textile Co.")])
        self.assertRecordValues(
            customer,
            [
                {
                    "is_company": True,
                    "customer_category": "manufacturer",
                    "ownership_type": "private",
                    "enterprise_scale": "medium",
                }
            ],
        )
        sample = self.env["lab.sample"].search([("partner_id", "=", customer.id)])
        self.assertRecordValues(
            sample,
            [
                {
                    "sample_name": "Cotton fabric",
                    "state": "reported",
                    "report_number": "TR-2026-0001",
                    "review_user_id": user.id,
                }
            ],
        )
        self.assertEqual(sample.line_ids.product_id.name, "Tour tensile strength")
        self.assertEqual(sample.sale_order_id.state, "sale")
