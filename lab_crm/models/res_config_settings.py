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
    lab_survey_token_validity_days = fields.Integer(
        string="Survey Link Validity (days)",
        config_parameter="lab_crm.survey_token_validity_days",
        default=30,
    )
    lab_survey_points_per_answer = fields.Integer(
        string="Points per Survey Answer",
        config_parameter="lab_crm.survey_points_per_answer",
        default=10,
    )
    lab_follow_up_delay_days = fields.Integer(
        string="Follow-up Visit after Delivery (days)",
        config_parameter="lab_crm.follow_up_delay_days",
        default=7,
    )
    lab_follow_up_period_days = fields.Integer(
        string="One Follow-up per Customer every (days)",
        config_parameter="lab_crm.follow_up_period_days",
        default=90,
    )
    lab_complaint_days_minor = fields.Integer(
        string="Minor Complaint Deadline (days)",
        config_parameter="lab_crm.complaint_days_minor",
        default=15,
    )
    lab_complaint_days_major = fields.Integer(
        string="Major Complaint Deadline (days)",
        config_parameter="lab_crm.complaint_days_major",
        default=7,
    )
    lab_complaint_days_critical = fields.Integer(
        string="Critical Complaint Deadline (days)",
        config_parameter="lab_crm.complaint_days_critical",
        default=3,
    )
    lab_complaint_manager_id = fields.Many2one(
        "res.users",
        string="Complaints Manager",
        config_parameter="lab_crm.complaint_manager_id",
        domain="[('share', '=', False)]",
        help="Told of every overdue complaint, besides its responsible person. "
        "Empty: every Lab CRM manager is told.",
    )
