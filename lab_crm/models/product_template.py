from odoo import api, fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    is_lab_test_item = fields.Boolean(
        string="Test Item",
        help="A testing service a customer can order on a submitted sample.",
    )
    lab_standard = fields.Char(string="Standard / Method", help="e.g. GB/T 3920-2008")
    lab_turnaround_days = fields.Integer(
        string="Turnaround (working days)",
        default=5,
        help="Working days from reception to report.",
    )

    _lab_turnaround_days_check = models.Constraint(
        "CHECK (lab_turnaround_days >= 0)",
        "A test item's turnaround (working days) cannot be negative.",
    )

    @api.onchange("is_lab_test_item")
    def _onchange_is_lab_test_item(self):
        """A test item goes to the testing category, so that cross-selling tells
        testing from value-added purchases."""
        testing = self.env.ref(
            "lab_crm.product_category_lab_testing", raise_if_not_found=False
        )
        if self.is_lab_test_item and testing and self.categ_id != testing:
            self.categ_id = testing
