import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class LabReportChangeWizard(models.TransientModel):
    """Amend a delivered report (报告更改: a new version, with its own number and
    file, that supersedes it) or withdraw it; the reason is required and the
    contacts who received it are told."""

    _name = "lab.report.change.wizard"
    _description = "Amend or Withdraw a Report"

    sample_id = fields.Many2one("lab.sample", required=True, readonly=True)
    kind = fields.Selection(
        [("amend", "Amend"), ("withdraw", "Withdraw")], required=True, readonly=True
    )
    report_number = fields.Char(string="New Report Number")
    report_file = fields.Binary(string="New Report File")
    report_filename = fields.Char()
    reason = fields.Text(required=True)

    @api.constrains("reason")
    def _check_reason(self):
        if any(not (wizard.reason or "").strip() for wizard in self):
            raise ValidationError(self.env._("Give the reason of the change."))

    def action_confirm(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_user")
        self.ensure_one()
        self.sample_id.check_access("write")
        sample = self.sample_id.sudo()
        sample._lab_check_report_changeable()
        if self.kind == "amend":
            self._amend(sample)
        else:
            self._withdraw(sample)
        return {"type": "ir.actions.act_window_close"}

    def _amend(self, sample):
        pdf = base64.b64decode(self.report_file or b"")
        if not self.report_number or not pdf.startswith(b"%PDF-"):
            raise UserError(
                self.env._("An amended report needs its new number and PDF file.")
            )
        previous = sample.report_version_id
        recipients = previous._lab_recipients()
        sample.with_context(lab_report_version_sync=True).write(
            {
                "report_number": self.report_number,
                "report_file": self.report_file,
                "report_filename": self.report_filename or f"{self.report_number}.pdf",
            }
        )
        version = sample._lab_issue_report_version(reason=self.reason)
        sample.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Report %(old)s amended by %(new)s: %(reason)s",
                old=previous.name,
                new=version.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        version._lab_notify("lab_crm.mail_template_report_amended", recipients)

    def _withdraw(self, sample):
        version = sample.report_version_id
        version.write(
            {
                "state": "withdrawn",
                "withdrawn_date": fields.Date.context_today(self),
                "reason": self.reason,
            }
        )
        sample.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Report %(number)s withdrawn: %(reason)s",
                number=version.name,
                reason=self.reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        version._lab_notify(
            "lab_crm.mail_template_report_withdrawn", version._lab_recipients()
        )
