from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    lab_qualification_expiry_days = fields.Integer(
        string="Qualification Expiry Notice (days)",
        config_parameter="lab_crm.qualification_expiry_days",
        default=60,
        help="A qualification is 'expiring' this many days before its expiry date; "
        "its account manager then gets an activity.",
    )
