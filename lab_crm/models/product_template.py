from odoo import fields, models


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
