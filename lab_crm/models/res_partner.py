from stdnum.cn import uscc

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from .lab_complaint import OPEN_STATES as OPEN_COMPLAINT_STATES

CUSTOMER_CATEGORIES = [
    ("government", "Government regulator"),
    ("manufacturer", "Manufacturer"),
    ("intermediary", "Intermediary"),
    ("public", "Public / individual"),
]
OWNERSHIP_TYPES = [
    ("state_owned", "State-owned"),
    ("private", "Private"),
    ("joint_venture", "Joint venture"),
    ("foreign_owned", "Wholly foreign-owned"),
    ("collective", "Collective"),
    ("other", "Other"),
]
ENTERPRISE_SCALES = [
    ("large", "Large"),
    ("medium", "Medium"),
    ("small", "Small"),
    ("micro", "Micro"),
]
OPERATING_STATUSES = [
    ("operating", "Operating"),
    ("suspended", "Suspended"),
    ("deregistered", "Deregistered"),
    ("revoked", "Licence revoked"),
]
IMPORTANCE_GRADES = [
    ("a", "A - Key customer"),
    ("b", "B - Important"),
    ("c", "C - Normal"),
    ("d", "D - Minor"),
]
ACQUISITION_CHANNELS = [
    ("referral", "Referral by an existing customer"),
    ("supply_chain", "Supply chain"),
    ("conference", "Industry conference"),
    ("spot_check", "Market-supervision spot check"),
    ("association", "Industry association"),
    ("exhibition", "Exhibition"),
    ("online", "Online / self-media"),
    ("walk_in", "Walk-in"),
]
LIFECYCLE_STAGES = [
    ("prospect", "Prospect"),
    ("new", "New customer"),
    ("active", "Active"),
    ("loyal", "Loyal"),
    ("at_risk", "At risk"),
    ("lost", "Lost"),
]
LOST_REASONS = [
    ("environment_change", "Change of external environment"),
    ("capacity_limits", "Laboratory capacity limits"),
    ("force_majeure", "Customer force majeure"),
    ("promise_not_kept", "Promised service not delivered"),
    ("expertise_lacking", "Insufficient staff expertise"),
    ("poor_attitude", "Poor service attitude"),
    ("unreasonable_fees", "Unreasonable fees"),
    ("competitor", "Lost to a competitor"),
]


def _share_company(partner, other):
    """Whether two partners are seen by a common company.

    A partner without company is shared by all companies, so it meets every other.
    """
    return (
        not partner.company_id
        or not other.company_id
        or partner.company_id == other.company_id
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Profile
    customer_category = fields.Selection(CUSTOMER_CATEGORIES, tracking=True)
    ownership_type = fields.Selection(OWNERSHIP_TYPES, tracking=True)
    enterprise_scale = fields.Selection(ENTERPRISE_SCALES, tracking=True)
    social_credit_code = fields.Char(
        string="Unified Social Credit Code",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="The 18-character national business registry code (统一社会信用代码).",
    )
    legal_representative = fields.Char(tracking=True)
    quality_executive_id = fields.Many2one(
        "res.partner",
        string="Executive in Charge of Quality",
        domain="[('parent_id', '=', id), ('is_company', '=', False)]",
        help="The contact of this customer who answers for quality.",
    )
    main_products = fields.Text()
    founding_date = fields.Date()
    operating_status = fields.Selection(OPERATING_STATUSES, default="operating")
    economic_overview = fields.Text()
    importance_grade = fields.Selection(IMPORTANCE_GRADES, tracking=True)

    # Acquisition and account team
    acquisition_channel = fields.Selection(ACQUISITION_CHANNELS, tracking=True)
    referrer_id = fields.Many2one(
        "res.partner",
        string="Referred by",
        domain="[('is_company', '=', True), ('id', '!=', id)]",
        help="The existing customer who introduced this one.",
    )
    service_manager_id = fields.Many2one(
        "res.users",
        string="Customer-Service Manager",
        domain="[('share', '=', False)]",
        tracking=True,
    )
    technical_advisor_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        tracking=True,
    )

    # Lifecycle
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES, default="prospect", tracking=True
    )
    lifecycle_lost_reason = fields.Selection(
        LOST_REASONS, string="Lost Reason", tracking=True
    )

    # Samples
    is_lab_prepaid = fields.Boolean(
        string="Prepaid Customer",
        tracking=True,
        help="Testing starts only once the sample's invoice is paid "
        "(a Lab CRM manager may override).",
    )
    sample_ids = fields.One2many("lab.sample", "partner_id", string="Samples")
    sample_count = fields.Integer(compute="_compute_sample_figures")
    sample_count_12m = fields.Integer(
        string="Samples (12 months)", compute="_compute_sample_figures"
    )
    first_sample_date = fields.Date(compute="_compute_sample_figures")
    last_sample_date = fields.Date(compute="_compute_sample_figures")

    # Satisfaction
    lab_survey_points = fields.Integer(
        string="Survey Points",
        readonly=True,
        help="Points earned by answering satisfaction surveys.",
    )
    satisfaction_latest = fields.Float(
        string="Latest Satisfaction",
        compute="_compute_satisfaction_figures",
        digits=(3, 2),
    )
    satisfaction_12m = fields.Float(
        string="Satisfaction (12 months)",
        compute="_compute_satisfaction_figures",
        digits=(3, 2),
        help="Average overall score of the surveys answered in the last 12 months.",
    )

    # Complaints
    complaint_count = fields.Integer(compute="_compute_complaint_figures")
    complaint_open_count = fields.Integer(
        string="Open Complaints", compute="_compute_complaint_figures"
    )
    complaint_count_12m = fields.Integer(
        string="Complaints (12 months)", compute="_compute_complaint_figures"
    )

    # Related records
    qualification_ids = fields.One2many(
        "lab.qualification", "partner_id", string="Qualifications"
    )
    qualification_count = fields.Integer(compute="_compute_qualification_count")
    change_ids = fields.One2many(
        "lab.partner.change", "partner_id", string="Change History"
    )
    key_person_ids = fields.One2many(
        "lab.key.person",
        "partner_id",
        string="Key Persons",
        groups="lab_crm.group_lab_crm_sensitive",
    )

    @api.depends("qualification_ids")
    def _compute_qualification_count(self):
        counts = dict(
            self.env["lab.qualification"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.qualification_count = counts.get(partner, 0)

    def _compute_sample_figures(self):
        """Sample figures of all the partners in ``self`` in two grouped queries."""
        Sample = self.env["lab.sample"]
        base = [("partner_id", "in", self._origin.ids), ("state", "!=", "cancelled")]
        totals = {
            partner: (count, first, last)
            for partner, count, first, last in Sample._read_group(
                base,
                ["partner_id"],
                ["__count", "received_datetime:min", "received_datetime:max"],
            )
        }
        since = fields.Datetime.subtract(fields.Datetime.now(), months=12)
        recent = dict(
            Sample._read_group(
                [*base, ("received_datetime", ">=", since)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            count, first, last = totals.get(partner._origin, (0, False, False))
            partner.sample_count = count
            partner.sample_count_12m = recent.get(partner._origin, 0)
            partner.first_sample_date = first and first.date()
            partner.last_sample_date = last and last.date()

    def _compute_satisfaction_figures(self):
        """Latest and 12-month satisfaction of all partners in ``self``: two queries."""
        Survey = self.env["lab.survey"]
        ids = self._origin.ids  # new records (forms) have no survey yet
        answered = [
            ("partner_id", "in", ids),
            ("state", "in", ("answered", "analysed")),
        ]
        since = fields.Datetime.subtract(fields.Datetime.now(), months=12)
        average = dict(
            Survey._read_group(
                [*answered, ("answered_datetime", ">=", since)],
                ["partner_id"],
                ["overall_score:avg"],
            )
        )
        Survey.flush_model(
            ["partner_id", "state", "answered_datetime", "overall_score"]
        )
        latest = dict(
            self.env.execute_query(
                SQL(
                    """
                    SELECT DISTINCT ON (partner_id) partner_id, overall_score
                      FROM lab_survey
                     WHERE partner_id IN %s AND state IN ('answered', 'analysed')
                  ORDER BY partner_id, answered_datetime DESC, id DESC
                    """,
                    tuple(ids) or (None,),
                )
            )
        )
        for partner in self:
            partner.satisfaction_latest = latest.get(partner._origin.id, 0.0)
            partner.satisfaction_12m = average.get(partner._origin, 0.0)

    def _compute_complaint_figures(self):
        """Complaint figures of all the partners in ``self`` in two grouped
        queries."""
        Complaint = self.env["lab.complaint"]
        base = [("partner_id", "in", self._origin.ids)]
        total, still_open = {}, {}
        for partner, state, count in Complaint._read_group(
            base, ["partner_id", "state"], ["__count"]
        ):
            total[partner] = total.get(partner, 0) + count
            if state in OPEN_COMPLAINT_STATES:
                still_open[partner] = still_open.get(partner, 0) + count
        since = fields.Date.subtract(fields.Date.context_today(self), months=12)
        recent = dict(
            Complaint._read_group(
                [*base, ("received_date", ">=", since)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.complaint_count = total.get(partner._origin, 0)
            partner.complaint_open_count = still_open.get(partner._origin, 0)
            partner.complaint_count_12m = recent.get(partner._origin, 0)

    @api.constrains("social_credit_code", "is_company", "active", "company_id")
    def _check_social_credit_code(self):
        partners = self.filtered(lambda p: p.social_credit_code)
        for partner in partners:
            if not uscc.is_valid(partner.social_credit_code):
                raise ValidationError(
                    self.env._(
                        "%(code)s is not a valid unified social credit code "
                        "(customer %(name)s).",
                        code=partner.social_credit_code,
                        name=partner.display_name,
                    )
                )
        active_companies = partners.filtered(lambda p: p.is_company and p.active)
        if not active_companies:
            return
        # One query for the whole batch: the active companies sharing these codes.
        codes = active_companies.mapped("social_credit_code")
        holders = self.with_context(active_test=True).search(
            [("social_credit_code", "in", codes), ("is_company", "=", True)]
        )
        for partner in active_companies:
            clash = (holders | active_companies).filtered(
                lambda other, partner=partner: (
                    other != partner
                    and other.social_credit_code == partner.social_credit_code
                    and _share_company(other, partner)
                )
            )[:1]
            if clash:
                raise ValidationError(
                    self.env._(
                        "The unified social credit code %(code)s of %(name)s is "
                        "already used by %(other)s. Open that customer instead of "
                        "creating a duplicate.",
                        code=partner.social_credit_code,
                        name=partner.display_name,
                        other=clash.display_name,
                    )
                )

    @api.constrains("quality_executive_id")
    def _check_quality_executive_id(self):
        for partner in self:
            executive = partner.quality_executive_id
            if (
                executive
                and executive.commercial_partner_id != partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "The executive in charge of quality of %(name)s must be one of "
                        "its contacts; "
                        "%(person)s is not.",
                        name=partner.display_name,
                        person=executive.display_name,
                    )
                )

    @api.constrains("referrer_id")
    def _check_referrer_id(self):
        for partner in self:
            if (
                partner.referrer_id
                and partner.referrer_id.commercial_partner_id
                == partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._("%s cannot be referred by itself.", partner.display_name)
                )

    @api.constrains("lifecycle_stage", "lifecycle_lost_reason")
    def _check_lifecycle_lost_reason(self):
        for partner in self:
            if partner.lifecycle_stage == "lost" and not partner.lifecycle_lost_reason:
                raise ValidationError(
                    self.env._("Give the reason why %s was lost.", partner.display_name)
                )

    @api.onchange("social_credit_code")
    def _onchange_social_credit_code(self):
        if self.social_credit_code:
            self.social_credit_code = uscc.compact(self.social_credit_code)

    @api.onchange("acquisition_channel")
    def _onchange_acquisition_channel(self):
        if self.acquisition_channel != "referral":
            self.referrer_id = False

    @api.onchange("lifecycle_stage")
    def _onchange_lifecycle_stage(self):
        if self.lifecycle_stage != "lost":
            self.lifecycle_lost_reason = False

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalize_lab_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalize_lab_vals(vals)
        Change = self.env["lab.partner.change"]
        watched = (
            self.filtered("is_company")
            if Change._watched_fields() & set(vals)
            else self.browse()
        )
        before = {partner.id: Change._snapshot(partner) for partner in watched}
        result = super().write(vals)
        if watched:
            Change._record_changes(watched, before)
        return result

    @api.model
    def _normalize_lab_vals(self, vals):
        if vals.get("social_credit_code"):
            vals["social_credit_code"] = uscc.compact(vals["social_credit_code"])
        if "lifecycle_stage" in vals and vals["lifecycle_stage"] != "lost":
            vals.setdefault("lifecycle_lost_reason", False)

    def action_view_samples(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_sample_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_complaint_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_qualifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_qualification_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.model
    def _lab_account_team_domain(self, user):
        """Customers on whose account team ``user`` is, in any role."""
        return Domain.OR(
            [
                Domain(role, "=", user.id)
                for role in ("user_id", "service_manager_id", "technical_advisor_id")
            ]
        )
