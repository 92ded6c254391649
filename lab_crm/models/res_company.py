from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from .lab_segment_snapshot import DEFAULTS as SEGMENT_DEFAULTS

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
    "lab_accreditation_expiry_days",
    "lab_report_verify_limit",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    # The laboratory's settings (Settings → Laboratory CRM), one set per company.
    # Staff's, not the portal's: a customer's portal user reads its own company.
    lab_qualification_expiry_days = fields.Integer(
        string="Qualification Expiry Notice (days)",
        default=60,
        help="A qualification is 'expiring' this many days before its expiry date; "
        "its account manager then gets an activity.",
        groups="base.group_user",
    )
    lab_report_mask_customer = fields.Boolean(
        string="Mask Customer on Verification Page",
        default=True,
        help="The public report-verification page shows the customer's name with "
        "its middle hidden (上海****公司).",
        groups="base.group_user",
    )
    lab_report_verify_limit = fields.Integer(
        string="Verification Lookups per 10 Minutes",
        default=20,
        help="How many lookups one address may make on the public "
        "report-verification page in 10 minutes.",
        groups="base.group_user",
    )
    lab_survey_token_validity_days = fields.Integer(
        string="Survey Link Validity (days)", default=30, groups="base.group_user"
    )
    lab_survey_points_per_answer = fields.Integer(
        string="Points per Survey Answer", default=10, groups="base.group_user"
    )
    lab_follow_up_delay_days = fields.Integer(
        string="Follow-up Visit after Delivery (days)",
        default=7,
        groups="base.group_user",
    )
    lab_follow_up_period_days = fields.Integer(
        string="One Follow-up per Customer every (days)",
        default=90,
        groups="base.group_user",
    )
    lab_complaint_days_minor = fields.Integer(
        string="Minor Complaint Deadline (days)", default=15, groups="base.group_user"
    )
    lab_complaint_days_major = fields.Integer(
        string="Major Complaint Deadline (days)", default=7, groups="base.group_user"
    )
    lab_complaint_days_critical = fields.Integer(
        string="Critical Complaint Deadline (days)",
        default=3,
        groups="base.group_user",
    )
    lab_complaint_manager_id = fields.Many2one(
        "res.users",
        string="Complaints Manager",
        domain="[('share', '=', False)]",
        help="Told of every overdue complaint, besides its responsible person. "
        "Empty: every Lab CRM manager is told.",
        groups="base.group_user",
    )
    lab_credit_hold_overdue_days = fields.Integer(
        string="Credit Hold after (days overdue)",
        default=60,
        help="A customer with an invoice overdue by more than this many days gets "
        "no new testing and no new confirmed order (0: never).",
        groups="base.group_user",
    )
    lab_risk_high_below = fields.Float(
        string="High Risk below",
        default=0.5,
        help="A post-paid customer is high risk when its probability to pay on "
        "time is below this (0 to 1).",
        groups="base.group_user",
    )
    lab_risk_medium_below = fields.Float(
        string="Medium Risk below", default=0.8, groups="base.group_user"
    )
    lab_segment_period_months = fields.Integer(
        string="Segmentation Period (months)",
        default=SEGMENT_DEFAULTS["period_months"],
        groups="base.group_user",
    )
    lab_segment_transactions = fields.Selection(
        [("invoices", "Invoices"), ("samples", "Samples")],
        string="Transactions Counted",
        default=SEGMENT_DEFAULTS["transactions"],
        groups="base.group_user",
    )
    lab_segment_a_cutoff = fields.Float(
        string="Tier A up to (share of revenue)",
        default=SEGMENT_DEFAULTS["a_cutoff"],
        groups="base.group_user",
    )
    lab_segment_b_cutoff = fields.Float(
        string="Tier B up to (share of revenue)",
        default=SEGMENT_DEFAULTS["b_cutoff"],
        groups="base.group_user",
    )
    lab_segment_horizon_months = fields.Integer(
        string="Lifetime Value Horizon (months)",
        default=SEGMENT_DEFAULTS["horizon_months"],
        groups="base.group_user",
    )
    lab_segment_monthly_discount_rate = fields.Float(
        string="Monthly Discount Rate",
        default=SEGMENT_DEFAULTS["monthly_discount_rate"],
        digits=(16, 4),
        groups="base.group_user",
    )
    lab_segment_attitude_threshold = fields.Float(
        string="Loyal Attitude from (satisfaction)",
        default=SEGMENT_DEFAULTS["attitude_threshold"],
        groups="base.group_user",
    )
    lab_segment_repeat_threshold = fields.Float(
        string="Repeat Purchase from (transactions)",
        default=SEGMENT_DEFAULTS["repeat_threshold"],
        groups="base.group_user",
    )
    lab_segment_rfm_rules = fields.Char(
        string="RFM Segments",
        help="Optional: a JSON list of [segment, [R from, R to], [F from, F to]] "
        'rules, first match wins, e.g. [["champions", [5, 5], [4, 5]]]; segment '
        "keys: champions, loyal, potential_loyalist, new, promising, need_attention, "
        "about_to_sleep, cant_lose, at_risk, hibernating, lost (others count as "
        "other). Empty for the default rules.",
        groups="base.group_user",
    )
    lab_contract_renewal_days = fields.Integer(
        string="Contract Renewal Notice (days)",
        default=30,
        help="The account manager gets a renewal activity this many days before "
        "a service contract ends.",
        groups="base.group_user",
    )
    lab_accreditation_expiry_days = fields.Integer(
        string="Accreditation Expiry Notice (days)",
        # A CMA certificate's renewal is applied for three months before it
        # expires (资质认定管理办法): the notice comes before that.
        default=90,
        help="The quality manager gets an activity this many days before one of "
        "the laboratory's accreditations expires.",
        groups="base.group_user",
    )
    lab_quality_manager_id = fields.Many2one(
        "res.users",
        string="Quality Manager",
        domain="[('share', '=', False)]",
        help="Looks after the laboratory's accreditations (CMA, CNAS) and is told "
        "when one is about to expire. Empty: every Lab CRM manager is told.",
        groups="base.group_user",
    )
    lab_segment_fits = fields.Json(
        string="Segmentation Fits",
        readonly=True,
        copy=False,
        help="The lifetime-value models' parameters of the last segmentation run, "
        "where the next run's fits start.",
        groups="lab_crm.group_lab_crm_manager",
    )

    @api.constrains(*NON_NEGATIVE)
    def _check_lab_non_negative(self):
        for company in self:
            for fname in NON_NEGATIVE:
                if company[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s cannot be negative.",
                            setting=self._fields[fname]._description_string(self.env),
                        )
                    )

    @api.constrains("lab_survey_token_validity_days")
    def _check_lab_survey_token_validity_days(self):
        # A link valid for 0 days would expire before the customer opens it.
        if any(company.lab_survey_token_validity_days < 1 for company in self):
            raise ValidationError(
                self.env._("A survey link must be valid for at least one day.")
            )

    @api.constrains("lab_risk_high_below", "lab_risk_medium_below")
    def _check_lab_risk_thresholds(self):
        # Probabilities to pay on time: high risk below the first, medium below
        # the second. Equal thresholds leave no medium class, which is a choice.
        for company in self:
            high, medium = company.lab_risk_high_below, company.lab_risk_medium_below
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
        for company in self:
            self.env["lab.segment.snapshot"]._check_settings(
                {
                    "period_months": company.lab_segment_period_months,
                    "a_cutoff": company.lab_segment_a_cutoff,
                    "b_cutoff": company.lab_segment_b_cutoff,
                    "horizon_months": company.lab_segment_horizon_months,
                    "monthly_discount_rate": company.lab_segment_monthly_discount_rate,
                    "attitude_threshold": company.lab_segment_attitude_threshold,
                    "repeat_threshold": company.lab_segment_repeat_threshold,
                }
            )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._lab_sample_sequence()
        companies._lab_complaint_sequence()
        companies._lab_service_request_sequence()
        companies._lab_service_contract_sequence()
        return companies

    @api.model
    def _lab_init_sample_sequences(self):
        # Every company needs its sequence, and companies are few: the rule against
        # unbounded searches does not apply here.
        self.search([])._lab_sample_sequence()  # pylint: disable=no-search-all

    @api.model
    def _lab_init_complaint_sequences(self):
        self.search([])._lab_complaint_sequence()  # pylint: disable=no-search-all

    @api.model
    def _lab_init_service_sequences(self):
        companies = self.search([])  # pylint: disable=no-search-all
        companies._lab_service_request_sequence()
        companies._lab_service_contract_sequence()

    def _lab_sample_sequence(self):
        """The sample reference sequence of each company (S2026-00001)."""
        return self._lab_sequence(
            "lab.sample",
            "S%(year)s-",
            lambda company: self.env._("Samples (%s)", company.name),
        )

    def _lab_complaint_sequence(self):
        """The complaint reference sequence of each company (C2026-00001)."""
        return self._lab_sequence(
            "lab.complaint",
            "C%(year)s-",
            lambda company: self.env._("Complaints (%s)", company.name),
        )

    def _lab_service_request_sequence(self):
        """The service request reference sequence of each company (SR2026-00001)."""
        return self._lab_sequence(
            "lab.service.request",
            "SR%(year)s-",
            lambda company: self.env._("Service Requests (%s)", company.name),
        )

    def _lab_service_contract_sequence(self):
        """The service contract reference sequence of each company (SC2026-00001)."""
        return self._lab_sequence(
            "lab.service.contract",
            "SC%(year)s-",
            lambda company: self.env._("Service Contracts (%s)", company.name),
        )

    def _lab_sequence(self, code, prefix, name):
        """The sequence ``code`` of each company, created when missing.

        A PostgreSQL sequence ('standard') hands out numbers without locks, so
        concurrent registrations never share a reference. ``name`` gives the name
        of a new sequence from its company.
        """
        Sequence = self.env["ir.sequence"].sudo()
        sequences = Sequence.search(
            [("code", "=", code), ("company_id", "in", self.ids)]
        )
        for company in self - sequences.company_id:
            sequences |= Sequence.create(
                {
                    "name": name(company),
                    "code": code,
                    "company_id": company.id,
                    "prefix": prefix,
                    "padding": 5,
                    "implementation": "standard",
                }
            )
        return sequences

    def _lab_setting_users(self, fname):
        """{company: users} for each company of ``self``: the user of its
        setting ``fname`` (the complaints manager, the quality manager...),
        else every Lab CRM manager; only real, internal users working in that
        company."""
        group = self.env.ref("lab_crm.group_lab_crm_manager")
        lab_managers = self.env["res.users"].search(
            [
                ("all_group_ids", "in", group.id),
                ("share", "=", False),
                ("id", "!=", SUPERUSER_ID),
            ]
        )
        return {
            company: (company.sudo()[fname] or lab_managers).filtered(
                lambda user, company=company: company in user.company_ids
            )
            for company in self
        }

    @api.model
    def _lab_settings_domain(self, company_domain):
        """The records that each company's settings select: ``company_domain``
        gives, from a company (as the system), the domain for that company's
        records; records without a company follow the current company's."""
        companies = self.sudo().search([])  # pylint: disable=no-search-all
        return Domain.OR(
            Domain("company_id", "=", company.id) & company_domain(company)
            for company in companies
        ) | (Domain("company_id", "=", False) & company_domain(self.env.company.sudo()))
