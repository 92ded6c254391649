from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(
        self, success_pids, success_emails, failure_reason=False, failure_type=None
    ):
        """A report's e-mail went out or failed: its delivery events say so.
        Reports are sent from their sample or their version: another e-mail of
        Odoo's costs nothing more."""
        reports = self.filtered(
            lambda mail: mail.model in ("lab.sample", "lab.report.version")
        )
        deliveries = reports and self.env["lab.report.delivery"].sudo().search(
            [
                ("message_id", "in", reports.mail_message_id.ids),
                ("event", "=", "sent"),
                ("send_state", "!=", "sent"),
            ]
        )
        if deliveries:
            recipients = reports.sudo().recipient_ids
            deliveries.filtered(
                lambda d: d.partner_id in recipients
            )._lab_update_send_state(success_pids, bool(failure_type))
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason, failure_type
        )
