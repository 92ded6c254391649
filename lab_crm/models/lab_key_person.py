from odoo import fields, models


class LabKeyPerson(models.Model):
    _name = "lab.key.person"
    _description = "Key-Person Profile"
    _order = "partner_id, role, id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    role = fields.Selection(
        [("head", "Head of the customer"), ("in_charge", "Person in charge")],
        required=True,
        default="head",
    )
    contact_id = fields.Many2one(
        "res.partner", string="Person", domain="[('parent_id', '=', partner_id)]"
    )
    personality = fields.Text()
    interests = fields.Text()
    background = fields.Text()
