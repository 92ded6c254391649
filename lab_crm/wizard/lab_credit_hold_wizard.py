from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import ValidationError


class LabCreditHoldWizard(models.TransientModel):
    _name = "lab.credit.hold.wizard"
    _description = "Lift a Credit Hold"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    date_until = fields.Date(
        string="Lifted Until",
        required=True,
        default=lambda self: fields.Date.add(fields.Date.context_today(self), days=7),
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        """Lift the customer's credit hold until a date (Lab CRM managers), logged."""
        self.check_access("write")
        self.ensure_one()
        if self.date_until < fields.Date.context_today(self):
            raise ValidationError(self.env._("Lift the hold until today or later."))
        customer = self.partner_id.commercial_partner_id
        customer.sudo().lab_credit_hold_released_until = self.date_until
        customer.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Credit hold lifted until %(date)s by %(user)s: %(reason)s",
                date=self.date_until,
                user=self.env.user.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
