from markupsafe import Markup

from odoo import fields, models


class LabSampleOverrideWizard(models.TransientModel):
    _name = "lab.sample.override.wizard"
    _description = "Start Testing Before Payment"

    sample_id = fields.Many2one("lab.sample", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        """Let a prepaid customer's sample into testing before payment (managers)."""
        self.check_access("write")
        self.ensure_one()
        sample = self.sample_id
        sample.write(
            {
                "prepaid_override_user_id": self.env.user.id,
                "prepaid_override_reason": self.reason,
            }
        )
        sample.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Testing allowed before payment by %(user)s: %(reason)s",
                user=self.env.user.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if sample.state == "review":
            sample.action_approve_review()
        return {"type": "ir.actions.act_window_close"}
