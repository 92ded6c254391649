from datetime import timedelta

from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # The account team (一对一服务), carried to the customer when the lead is won.
    service_manager_id = fields.Many2one(
        "res.users",
        string="Customer-Service Manager",
        compute="_compute_account_team",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    technical_advisor_id = fields.Many2one(
        "res.users",
        compute="_compute_account_team",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    # The warranty period of a project (合同质保期): follow-up visits during it.
    warranty_start_date = fields.Date(tracking=True)
    warranty_end_date = fields.Date(tracking=True)
    lab_survey_ids = fields.One2many(
        "lab.survey",
        "lead_id",
        string="Warranty Follow-ups",
        groups="lab_crm.group_lab_crm_user",
    )

    _warranty_dates_check = models.Constraint(
        "CHECK (warranty_end_date IS NULL OR warranty_start_date IS NULL "
        "OR warranty_end_date >= warranty_start_date)",
        "The warranty cannot end before it starts.",
    )

    @api.depends("partner_id")
    def _compute_account_team(self):
        for lead in self:
            customer = lead.partner_id.commercial_partner_id
            lead.service_manager_id = customer.service_manager_id
            lead.technical_advisor_id = customer.technical_advisor_id

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        leads.filtered("stage_id.is_won")._lab_carry_account_team()
        return leads

    def write(self, vals):
        result = super().write(vals)
        if {"stage_id", "partner_id"} & set(vals):
            self.filtered("stage_id.is_won")._lab_carry_account_team()
        return result

    def _lab_carry_account_team(self):
        """The won opportunity's team becomes the customer's account team: each
        role the customer does not have yet is taken from the opportunity (a
        role already held is changed through a handover, not silently)."""
        for lead in self.filtered("partner_id"):
            customer = lead.partner_id.commercial_partner_id
            values = {
                role: lead[lead_role].id
                for role, lead_role in (
                    ("user_id", "user_id"),
                    ("service_manager_id", "service_manager_id"),
                    ("technical_advisor_id", "technical_advisor_id"),
                )
                if lead[lead_role] and not customer[role]
            }
            if values:
                customer.write(values)

    @api.model
    def _cron_lab_warranty_follow_ups(self):
        """A follow-up visit (回访) for each won project in its warranty period,
        at most one per project per follow-up period (the Settings of the lead's
        company; of the current company for a lead without one)."""
        today = fields.Date.context_today(self)

        def since(lead):  # the start of the lead's period
            company = (lead.company_id or self.env.company).sudo()
            return today - timedelta(days=company.lab_follow_up_period_days)

        leads = self.search(
            [
                ("stage_id.is_won", "=", True),
                ("partner_id", "!=", False),
                ("warranty_start_date", "<=", today),
                ("warranty_end_date", ">=", today),
            ]
        )
        Survey = self.env["lab.survey"]
        recent = {
            lead
            for lead, last in Survey._read_group(
                [
                    ("lead_id", "in", leads.ids),
                    ("date", ">", min(map(since, leads), default=today)),
                ],
                ["lead_id"],
                ["date:max"],
            )
            if last > since(lead)
        }
        return Survey.create(
            [
                {
                    "kind": "follow_up",
                    "lead_id": lead.id,
                    "company_id": (lead.company_id or self.env.company).id,
                    "partner_id": lead.partner_id.commercial_partner_id.id,
                    "contact_id": (
                        lead.partner_id.id
                        if lead.partner_id != lead.partner_id.commercial_partner_id
                        else False
                    ),
                    "channel": "visit",
                    "date": today,
                    "interviewer_id": (
                        lead.service_manager_id or lead.user_id or self.env.user
                    ).id,
                }
                for lead in leads
                if lead not in recent
            ]
        )
