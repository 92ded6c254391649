from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """A report's e-mail went out or failed: its delivery events say so."""
        deliveries = (
            self.env["lab.report.delivery"]
            .sudo()
            .search(
                [
                    ("message_id", "in", self.mail_message_id.ids),
                    ("event", "=", "sent"),
                    ("send_state", "!=", "sent"),
                ]
            )
        )
        if deliveries:
            recipients = self.sudo().recipient_ids
            deliveries.filtered(
                lambda d: d.partner_id in recipients
            )._lab_update_send_state(success_pids, bool(failure_type))
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason, failure_type
        )
