from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The settings are the current company's (see res.company).
    lab_qualification_expiry_days = fields.Integer(
        related="company_id.lab_qualification_expiry_days", readonly=False
    )
    lab_report_mask_customer = fields.Boolean(
        related="company_id.lab_report_mask_customer", readonly=False
    )
    lab_report_verify_limit = fields.Integer(
        related="company_id.lab_report_verify_limit", readonly=False
    )
    lab_survey_token_validity_days = fields.Integer(
        related="company_id.lab_survey_token_validity_days", readonly=False
    )
    lab_survey_points_per_answer = fields.Integer(
        related="company_id.lab_survey_points_per_answer", readonly=False
    )
    lab_follow_up_delay_days = fields.Integer(
        related="company_id.lab_follow_up_delay_days", readonly=False
    )
    lab_follow_up_period_days = fields.Integer(
        related="company_id.lab_follow_up_period_days", readonly=False
    )
    lab_complaint_days_minor = fields.Integer(
        related="company_id.lab_complaint_days_minor", readonly=False
    )
    lab_complaint_days_major = fields.Integer(
        related="company_id.lab_complaint_days_major", readonly=False
    )
    lab_complaint_days_critical = fields.Integer(
        related="company_id.lab_complaint_days_critical", readonly=False
    )
    lab_complaint_manager_id = fields.Many2one(
        related="company_id.lab_complaint_manager_id", readonly=False
    )
    lab_accreditation_expiry_days = fields.Integer(
        related="company_id.lab_accreditation_expiry_days", readonly=False
    )
    lab_quality_manager_id = fields.Many2one(
        related="company_id.lab_quality_manager_id", readonly=False
    )
    lab_credit_hold_overdue_days = fields.Integer(
        related="company_id.lab_credit_hold_overdue_days", readonly=False
    )
    lab_risk_high_below = fields.Float(
        related="company_id.lab_risk_high_below", readonly=False
    )
    lab_risk_medium_below = fields.Float(
        related="company_id.lab_risk_medium_below", readonly=False
    )
    lab_segment_period_months = fields.Integer(
        related="company_id.lab_segment_period_months", readonly=False
    )
    lab_segment_transactions = fields.Selection(
        related="company_id.lab_segment_transactions", readonly=False
    )
    lab_segment_a_cutoff = fields.Float(
        related="company_id.lab_segment_a_cutoff", readonly=False
    )
    lab_segment_b_cutoff = fields.Float(
        related="company_id.lab_segment_b_cutoff", readonly=False
    )
    lab_segment_horizon_months = fields.Integer(
        related="company_id.lab_segment_horizon_months", readonly=False
    )
    lab_segment_monthly_discount_rate = fields.Float(
        related="company_id.lab_segment_monthly_discount_rate", readonly=False
    )
    lab_segment_attitude_threshold = fields.Float(
        related="company_id.lab_segment_attitude_threshold", readonly=False
    )
    lab_segment_repeat_threshold = fields.Float(
        related="company_id.lab_segment_repeat_threshold", readonly=False
    )
    lab_segment_rfm_rules = fields.Char(
        related="company_id.lab_segment_rfm_rules", readonly=False
    )
    lab_contract_renewal_days = fields.Integer(
        related="company_id.lab_contract_renewal_days", readonly=False
    )

    def action_lab_load_project_pipeline(self):
        """Load the project-customer pipeline (prequalification to collection)."""
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_manager")
        self.env["crm.stage"]._lab_load_project_pipeline()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_stage_action")
        action["domain"] = [
            ("team_ids", "=", self.env.ref("lab_crm.crm_team_project").id)
        ]
        return action
