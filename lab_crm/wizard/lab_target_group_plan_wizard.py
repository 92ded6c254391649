from odoo import api, fields, models
from odoo.exceptions import UserError


class LabTargetGroupPlanWizard(models.TransientModel):
    _name = "lab.target.group.plan.wizard"
    _description = "Plan Activities for a Target Customer Group"

    target_group_id = fields.Many2one("lab.target.group", required=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'res.partner')]",
    )
    summary = fields.Char(compute="_compute_summary", store=True, readonly=False)
    note = fields.Html()
    date_deadline = fields.Date(
        string="Due Date", compute="_compute_date_deadline", store=True, readonly=False
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'res.partner')]",
        help="Also queue this e-mail to every customer of the group.",
    )
    customer_count = fields.Integer(
        string="Customers", related="target_group_id.customer_count"
    )

    @api.depends("activity_type_id")
    def _compute_summary(self):
        for wizard in self:
            wizard.summary = wizard.activity_type_id.summary or wizard.summary

    @api.depends("activity_type_id")
    def _compute_date_deadline(self):
        for wizard in self:
            wizard.date_deadline = (
                wizard.activity_type_id._get_date_deadline()
                if wizard.activity_type_id
                else fields.Date.context_today(wizard)
            )

    def action_plan(self):
        """One activity per customer for its account manager (the planner for
        customers without one), then the e-mails, queued by the mail composer."""
        self.check_access("write")
        self.ensure_one()
        customers = self.target_group_id._target_customers()
        if not customers:
            raise UserError(self.env._("No customer of this group is yours to plan."))
        model_id = self.env["ir.model"]._get_id("res.partner")
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": customer.id,
                    "activity_type_id": self.activity_type_id.id,
                    "summary": self.summary,
                    "note": self.note,
                    "date_deadline": self.date_deadline,
                    "user_id": (customer.user_id or self.env.user).id,
                }
                for customer in customers
            ]
        )
        if self.mail_template_id:
            composer = self.env["mail.compose.message"].create(
                {
                    "composition_mode": "mass_mail",
                    "model": "res.partner",
                    "res_ids": repr(customers.ids),
                    "template_id": self.mail_template_id.id,
                    # Queued: the mail queue cron sends them.
                    "force_send": False,
                }
            )
            composer._action_send_mail()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Activities planned for %(count)s customers.", count=len(customers)
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
