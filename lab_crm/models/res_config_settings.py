from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .lab_service_contract import DEFAULT_RENEWAL_NOTICE_DAYS

# Settings in days or points, where 0 has a meaning (the same day, no points,
# never, no limit) and a negative number none.
NON_NEGATIVE = (
    "lab_qualification_expiry_days",
    "lab_survey_points_per_answer",
    "lab_follow_up_delay_days",
    "lab_follow_up_period_days",
    "lab_complaint_days_minor",
    "lab_complaint_days_major",
    "lab_complaint_days_critical",
    "lab_credit_hold_overdue_days",
    "lab_contract_renewal_days",
)


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
    lab_credit_hold_overdue_days = fields.Integer(
        string="Credit Hold after (days overdue)",
        config_parameter="lab_crm.credit_hold_overdue_days",
        default=60,
        help="A customer with an invoice overdue by more than this many days gets "
        "no new testing and no new confirmed order (0: never).",
    )
    lab_risk_high_below = fields.Float(
        string="High Risk below",
        config_parameter="lab_crm.risk_high_below",
        default=0.5,
        help="A post-paid customer is high risk when its probability to pay on "
        "time is below this (0 to 1).",
    )
    lab_risk_medium_below = fields.Float(
        string="Medium Risk below",
        config_parameter="lab_crm.risk_medium_below",
        default=0.8,
    )
    lab_segment_period_months = fields.Integer(
        string="Segmentation Period (months)",
        config_parameter="lab_crm.segment_period_months",
        default=12,
    )
    lab_segment_transactions = fields.Selection(
        [("invoices", "Invoices"), ("samples", "Samples")],
        string="Transactions Counted",
        config_parameter="lab_crm.segment_transactions",
        default="invoices",
    )
    lab_segment_a_cutoff = fields.Float(
        string="Tier A up to (share of revenue)",
        config_parameter="lab_crm.segment_a_cutoff",
        default=0.80,
    )
    lab_segment_b_cutoff = fields.Float(
        string="Tier B up to (share of revenue)",
        config_parameter="lab_crm.segment_b_cutoff",
        default=0.95,
    )
    lab_segment_horizon_months = fields.Integer(
        string="Lifetime Value Horizon (months)",
        config_parameter="lab_crm.segment_horizon_months",
        default=12,
    )
    lab_segment_monthly_discount_rate = fields.Float(
        string="Monthly Discount Rate",
        config_parameter="lab_crm.segment_monthly_discount_rate",
        default=0.01,
        digits=(16, 4),
    )
    lab_segment_attitude_threshold = fields.Float(
        string="Loyal Attitude from (satisfaction)",
        config_parameter="lab_crm.segment_attitude_threshold",
        default=4.0,
    )
    lab_segment_repeat_threshold = fields.Float(
        string="Repeat Purchase from (transactions)",
        config_parameter="lab_crm.segment_repeat_threshold",
        default=2.0,
    )
    lab_segment_rfm_rules = fields.Char(
        string="RFM Segments",
        config_parameter="lab_crm.segment_rfm_rules",
        help="Optional: a JSON list of [segment, [R from, R to], [F from, F to]] "
        'rules, first match wins, e.g. [["champions", [5, 5], [4, 5]]]; segment '
        "keys: champions, loyal, potential_loyalist, new, promising, need_attention, "
        "about_to_sleep, cant_lose, at_risk, hibernating, lost (others count as "
        "other). Empty for the default rules.",
    )
    lab_contract_renewal_days = fields.Integer(
        string="Contract Renewal Notice (days)",
        config_parameter="lab_crm.contract_renewal_days",
        default=DEFAULT_RENEWAL_NOTICE_DAYS,
        help="The account manager gets a renewal activity this many days before "
        "a service contract ends.",
    )

    # The settings are configuration parameters, written by set_values when the
    # form is saved: the record the form creates is checked before that.
    @api.constrains(*NON_NEGATIVE)
    def _check_lab_non_negative(self):
        for settings in self:
            for fname in NON_NEGATIVE:
                if settings[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s cannot be negative.",
                            setting=self._fields[fname]._description_string(self.env),
                        )
                    )

    @api.constrains("lab_survey_token_validity_days")
    def _check_lab_survey_token_validity_days(self):
        # A link valid for 0 days would expire before the customer opens it.
        if any(settings.lab_survey_token_validity_days < 1 for settings in self):
            raise ValidationError(
                self.env._("A survey link must be valid for at least one day.")
            )

    @api.constrains("lab_risk_high_below", "lab_risk_medium_below")
    def _check_lab_risk_thresholds(self):
        # Probabilities to pay on time: high risk below the first, medium below
        # the second. Equal thresholds leave no medium class, which is a choice.
        for settings in self:
            high, medium = settings.lab_risk_high_below, settings.lab_risk_medium_below
            if not 0 <= high <= medium <= 1:
                raise ValidationError(
                    self.env._(
                        "The risk thresholds are probabilities with 0 <= high risk "
                        "<= medium risk <= 1, not %(high)s and %(medium)s.",
                        high=high,
                        medium=medium,
                    )
                )

    @api.constrains(
        "lab_segment_period_months",
        "lab_segment_a_cutoff",
        "lab_segment_b_cutoff",
        "lab_segment_horizon_months",
        "lab_segment_monthly_discount_rate",
        "lab_segment_attitude_threshold",
        "lab_segment_repeat_threshold",
    )
    def _check_lab_segment_settings(self):
        for settings in self:
            self.env["lab.segment.snapshot"]._check_settings(
                {
                    "period_months": settings.lab_segment_period_months,
                    "a_cutoff": settings.lab_segment_a_cutoff,
                    "b_cutoff": settings.lab_segment_b_cutoff,
                    "horizon_months": settings.lab_segment_horizon_months,
                    "monthly_discount_rate": (
                        settings.lab_segment_monthly_discount_rate
                    ),
                    "attitude_threshold": settings.lab_segment_attitude_threshold,
                    "repeat_threshold": settings.lab_segment_repeat_threshold,
                }
            )

    def action_lab_load_project_pipeline(self):
        """Load the project-customer pipeline (prequalification to collection)."""
        self.env["lab.customer.document"]._lab_check_groups(
            "lab_crm.group_lab_crm_manager"
        )
        self.env["crm.stage"]._lab_load_project_pipeline()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm.crm_stage_action")
        action["domain"] = [
            ("team_ids", "=", self.env.ref("lab_crm.crm_team_project").id)
        ]
        return action
