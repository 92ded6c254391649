from odoo import fields, models


class LabArrearsReminderLevel(models.Model):
    """A step of the reminder ladder: from how many days overdue (the customer's
    oldest overdue invoice) it applies, and the e-mail it sends."""

    _name = "lab.arrears.reminder.level"
    _description = "Payment Reminder Level"
    _order = "days_overdue, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    days_overdue = fields.Integer(
        required=True,
        help="Proposed once the customer's oldest overdue invoice is overdue by at "
        "least this many days (the highest such level wins).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        required=True,
        domain="[('model', '=', 'lab.arrears.reminder')]",
    )
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use this level in every company."
    )

    _days_overdue_positive = models.Constraint(
        "CHECK (days_overdue > 0)",
        "A reminder level applies from at least one day overdue.",
    )
