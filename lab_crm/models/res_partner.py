from stdnum.cn import uscc

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .account_move import FAPIAO_TYPES
from .lab_complaint import OPEN_STATES as OPEN_COMPLAINT_STATES
from .lab_sample import UNCOUNTED_STATES
from .lab_survey import ANSWERED_STATES

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
    customer_category = fields.Selection(
        CUSTOMER_CATEGORIES, tracking=True, groups="base.group_user"
    )
    ownership_type = fields.Selection(
        OWNERSHIP_TYPES, tracking=True, groups="base.group_user"
    )
    enterprise_scale = fields.Selection(
        ENTERPRISE_SCALES, tracking=True, groups="base.group_user"
    )
    social_credit_code = fields.Char(
        string="Unified Social Credit Code",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="The 18-character national business registry code (统一社会信用代码).",
        groups="base.group_user",
    )
    legal_representative = fields.Char(tracking=True, groups="base.group_user")
    # A contact's share of the customer's reports (report delivery).
    lab_receives_reports = fields.Boolean(
        string="Receives Reports",
        help="The contact is sent every report of the customer's samples, besides "
        "each sample's own contact.",
        groups="base.group_user",
    )
    lab_report_cc = fields.Char(
        string="Report CC",
        help="E-mail addresses (comma-separated) copied on the reports sent to "
        "this contact.",
        groups="base.group_user",
    )

    # Invoicing details for fapiao (开票信息). The customer's: its portal contacts
    # read and update them (/my/invoicing), as they do its name and address.
    fapiao_title = fields.Char(
        string="Invoice Title",
        tracking=True,
        help="The registered name printed on the fapiao (发票抬头); the customer's "
        "name when empty.",
    )
    fapiao_address = fields.Char(string="Registered Address", tracking=True)
    fapiao_phone = fields.Char(string="Registered Telephone", tracking=True)
    fapiao_bank_name = fields.Char(
        string="Opening Bank",
        tracking=True,
        help="The bank and branch of the account (开户行).",
    )
    fapiao_bank_account = fields.Char(string="Bank Account", tracking=True)
    fapiao_type = fields.Selection(
        FAPIAO_TYPES,
        tracking=True,
        help="The fapiao the customer wants: a general VAT invoice (普通发票) or a "
        "special VAT invoice (增值税专用发票), whose input tax it can deduct.",
    )
    fapiao_email = fields.Char(
        string="E-fapiao E-mail",
        tracking=True,
        help="The address that receives the electronic fapiao.",
    )
    quality_executive_id = fields.Many2one(
        "res.partner",
        string="Executive in Charge of Quality",
        domain="[('parent_id', '=', id), ('is_company', '=', False)]",
        help="The contact of this customer who answers for quality.",
        groups="base.group_user",
    )
    main_products = fields.Text(groups="base.group_user")
    founding_date = fields.Date(groups="base.group_user")
    operating_status = fields.Selection(
        OPERATING_STATUSES, default="operating", groups="base.group_user"
    )
    economic_overview = fields.Text(groups="base.group_user")
    importance_grade = fields.Selection(
        IMPORTANCE_GRADES, tracking=True, groups="lab_crm.group_lab_crm_user"
    )

    # Acquisition and account team
    acquisition_channel = fields.Selection(
        ACQUISITION_CHANNELS, tracking=True, groups="base.group_user"
    )
    referrer_id = fields.Many2one(
        "res.partner",
        string="Referred by",
        domain="[('is_company', '=', True), ('id', '!=', id)]",
        help="The existing customer who introduced this one.",
        groups="base.group_user",
    )
    service_manager_id = fields.Many2one(
        "res.users",
        string="Customer-Service Manager",
        domain="[('share', '=', False)]",
        tracking=True,
        groups="base.group_user",
    )
    technical_advisor_id = fields.Many2one(
        "res.users",
        domain="[('share', '=', False)]",
        tracking=True,
        groups="base.group_user",
    )

    # Lifecycle
    lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        default="prospect",
        # Not tracked: the segmentation run sets it, in bulk (see
        # lab.segment.snapshot._update_lifecycle); a loss is, through its reason.
        # Staff's, not Lab CRM's: every new partner gets the default, whoever
        # creates it (a user's partner too).
        groups="base.group_user",
    )
    lifecycle_lost_reason = fields.Selection(
        LOST_REASONS,
        string="Lost Reason",
        tracking=True,
        groups="lab_crm.group_lab_crm_user",
    )
    lost_to_competitor_id = fields.Many2one(
        "lab.competitor",
        string="Lost to Competitor",
        index="btree_not_null",
        tracking=True,
        help="The competitor that won this lost customer.",
        groups="lab_crm.group_lab_crm_user",
    )

    # Samples
    is_lab_prepaid = fields.Boolean(
        string="Prepaid Customer",
        tracking=True,
        help="Testing starts only once the sample's invoice is paid "
        "(a Lab CRM manager may override).",
        groups="base.group_user",
    )
    sample_ids = fields.One2many(
        "lab.sample",
        "partner_id",
        string="Samples",
        groups="lab_crm.group_lab_crm_user",
    )
    sample_count = fields.Integer(
        compute="_compute_sample_figures", groups="lab_crm.group_lab_crm_user"
    )
    sample_count_12m = fields.Integer(
        string="Samples (12 months)",
        compute="_compute_sample_figures",
        groups="lab_crm.group_lab_crm_user",
    )
    first_sample_date = fields.Date(
        compute="_compute_sample_figures", groups="lab_crm.group_lab_crm_user"
    )
    last_sample_date = fields.Date(
        compute="_compute_sample_figures", groups="lab_crm.group_lab_crm_user"
    )

    # Satisfaction
    lab_survey_points = fields.Integer(
        string="Survey Points",
        readonly=True,
        help="Points earned by answering satisfaction surveys.",
        groups="lab_crm.group_lab_crm_user",
    )
    satisfaction_latest = fields.Float(
        string="Latest Satisfaction",
        compute="_compute_satisfaction_figures",
        digits=(3, 2),
        groups="lab_crm.group_lab_crm_user",
    )
    satisfaction_12m = fields.Float(
        string="Satisfaction (12 months)",
        compute="_compute_satisfaction_figures",
        digits=(3, 2),
        help="Average overall score of the surveys answered in the last 12 months.",
        groups="lab_crm.group_lab_crm_user",
    )

    # Complaints
    complaint_count = fields.Integer(
        compute="_compute_complaint_figures", groups="lab_crm.group_lab_crm_user"
    )
    complaint_open_count = fields.Integer(
        string="Open Complaints",
        compute="_compute_complaint_figures",
        groups="lab_crm.group_lab_crm_user",
    )
    complaint_count_12m = fields.Integer(
        string="Complaints (12 months)",
        compute="_compute_complaint_figures",
        groups="lab_crm.group_lab_crm_user",
    )

    # Arrears and credit hold (accountants)
    lab_credit_hold_released_until = fields.Date(
        string="Credit Hold Lifted Until",
        readonly=True,
        copy=False,
        tracking=True,
        help="A manager lifted the credit hold of this customer until this date.",
        groups="account.group_account_invoice,lab_crm.group_lab_crm_user",
    )
    lab_risk_class = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High")],
        string="Payment Risk",
        compute="_compute_lab_risk",
        help="Risk that this post-paid customer pays late, refitted every night.",
        groups="account.group_account_invoice,lab_crm.group_lab_crm_user",
    )
    lab_payment_probability = fields.Float(
        string="Probability to Pay on Time",
        compute="_compute_lab_risk",
        digits=(16, 2),
        groups="account.group_account_invoice,lab_crm.group_lab_crm_manager",
    )
    lab_risk_factors = fields.Text(
        string="Risk Factors",
        compute="_compute_lab_risk",
        groups="account.group_account_invoice,lab_crm.group_lab_crm_manager",
    )
    lab_credit_hold_reason = fields.Text(
        string="Credit Hold",
        compute="_compute_lab_credit_hold_reason",
        groups="account.group_account_invoice,lab_crm.group_lab_crm_user",
    )
    lab_reminder_ids = fields.One2many(
        "lab.arrears.reminder",
        "partner_id",
        string="Payment Reminders",
        groups="account.group_account_invoice,lab_crm.group_lab_crm_manager",
    )
    lab_reminder_count = fields.Integer(
        string="Reminder Count",
        compute="_compute_lab_reminder_count",
        groups="account.group_account_invoice,lab_crm.group_lab_crm_manager",
    )

    # Segments (latest run of the segmentation engine)
    # The customer's latest segment snapshot in the current company (on the
    # company: its contacts read it through their commercial partner). Not
    # stored: a run only inserts its snapshot rows, and the link is their
    # newest row, in SQL too (``_field_to_sql``), so that the customers can be
    # searched and grouped by their segments.
    lab_segment_snapshot_id = fields.Many2one(
        "lab.segment.snapshot",
        string="Segments",
        compute="_compute_lab_segment_snapshot_id",
        search="_search_lab_segment_snapshot_id",
        groups="lab_crm.group_lab_crm_user",
    )
    lab_tier = fields.Selection(
        related="commercial_partner_id.lab_segment_snapshot_id.tier",
        string="Value Tier",
        groups="lab_crm.group_lab_crm_user",
    )
    lab_rfm_segment = fields.Selection(
        related="commercial_partner_id.lab_segment_snapshot_id.rfm_segment",
        string="RFM Segment",
        groups="lab_crm.group_lab_crm_user",
    )
    lab_probability_alive = fields.Float(
        related="commercial_partner_id.lab_segment_snapshot_id.probability_alive",
        string="Probability Active",
        digits=(16, 2),
        groups="lab_crm.group_lab_crm_user",
    )
    lab_clv = fields.Monetary(
        related="commercial_partner_id.lab_segment_snapshot_id.clv",
        string="Lifetime Value",
        currency_field="currency_id",
        groups="lab_crm.group_lab_crm_user",
    )
    lab_loyalty_type = fields.Selection(
        related="commercial_partner_id.lab_segment_snapshot_id.loyalty_type",
        string="Loyalty Type",
        groups="lab_crm.group_lab_crm_user",
    )
    lab_churn_level = fields.Selection(
        related="commercial_partner_id.lab_segment_snapshot_id.churn_level",
        string="Churn Risk",
        groups="lab_crm.group_lab_crm_user",
    )
    lab_suggested_categories = fields.Char(
        related="commercial_partner_id.lab_segment_snapshot_id.suggested_categories",
        string="Suggested Services",
        groups="lab_crm.group_lab_crm_user",
    )

    # Related records
    qualification_ids = fields.One2many(
        "lab.qualification",
        "partner_id",
        string="Qualifications",
        groups="lab_crm.group_lab_crm_user",
    )
    qualification_count = fields.Integer(
        compute="_compute_qualification_count", groups="lab_crm.group_lab_crm_user"
    )
    change_ids = fields.One2many(
        "lab.partner.change",
        "partner_id",
        string="Change History",
        groups="lab_crm.group_lab_crm_user",
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

    def _compute_lab_reminder_count(self):
        counts = dict(
            self.env["lab.arrears.reminder"]._read_group(
                [("partner_id", "in", self._origin.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.lab_reminder_count = counts.get(partner._origin, 0)

    def _compute_sample_figures(self):
        """Sample figures of all the partners in ``self`` in two grouped queries."""
        Sample = self.env["lab.sample"]
        base = [
            ("partner_id", "in", self._origin.ids),
            ("state", "not in", UNCOUNTED_STATES),
        ]
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
        """Latest and 12-month satisfaction of all partners in ``self``: two
        queries. Both count the surveys the user may read in the companies they
        work in (``env.companies``): a customer shared between companies has
        each company's own figures."""
        Survey = self.env["lab.survey"]
        ids = self._origin.ids  # new records (forms) have no survey yet
        answered = Domain(
            [
                ("partner_id", "in", ids),
                ("state", "in", ANSWERED_STATES),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        since = fields.Datetime.subtract(fields.Datetime.now(), months=12)
        average = dict(
            Survey._read_group(
                answered & Domain("answered_datetime", ">=", since),
                ["partner_id"],
                ["overall_score:avg"],
            )
        )
        Survey.flush_model(
            ["partner_id", "state", "answered_datetime", "overall_score", "company_id"]
        )
        query = Survey._search(answered)  # the user's record rules apply
        table = query.table
        query.order = SQL(
            "%s, %s DESC, %s DESC",
            SQL.identifier(table, "partner_id"),
            SQL.identifier(table, "answered_datetime"),
            SQL.identifier(table, "id"),
        )
        latest = dict(
            self.env.execute_query(
                query.select(
                    SQL(
                        "DISTINCT ON (%s) %s, %s",
                        SQL.identifier(table, "partner_id"),
                        SQL.identifier(table, "partner_id"),
                        SQL.identifier(table, "overall_score"),
                    )
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

    def _lab_fapiao_type(self):
        """The fapiao the customer wants (samples, orders and invoices start
        from it): its company's choice, else (no choice, or no partner yet) a
        general VAT invoice."""
        return self.commercial_partner_id.fapiao_type or "general"

    @api.depends_context("company")
    def _compute_lab_segment_snapshot_id(self):
        latest = self.env["lab.segment.snapshot"]._latest(self._origin)
        for partner in self:
            partner.lab_segment_snapshot_id = latest.get(partner._origin, False)

    def _search_lab_segment_snapshot_id(self, operator, value):
        # Odoo's many2one condition, on the link's SQL (``_field_to_sql``).
        if isinstance(value, Domain):
            value = value.optimize_full(self.env["lab.segment.snapshot"])

        def to_sql(model, alias, query):
            field = model._fields["lab_segment_snapshot_id"]
            return field.condition_to_sql(
                field.name, operator, value, model, alias, query
            )

        return Domain.custom(to_sql=to_sql)

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr != "lab_segment_snapshot_id":
            return super()._field_to_sql(alias, field_expr, query)
        self._check_field_access(self._fields[field_expr], "read")
        fields_ = self.env["lab.segment.snapshot"]._fields

        def column(name):
            return SQL.identifier("snapshot", name, to_flush=fields_[name])

        return SQL(
            """(SELECT snapshot.id FROM lab_segment_snapshot snapshot
                 WHERE %s = %s AND %s = %s
              ORDER BY %s DESC, snapshot.id DESC LIMIT 1)""",
            column("partner_id"),
            SQL.identifier(alias, "id"),
            column("company_id"),
            self.env.company.id,
            column("date"),
        )

    def action_view_relationship_curve(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_segment_snapshot_action_curve"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action

    def _compute_lab_risk(self):
        latest = self.env["lab.customer.risk"]._latest(
            self._origin.commercial_partner_id
        )
        for partner in self:
            risk = latest.get(partner._origin.commercial_partner_id)
            partner.lab_risk_class = risk.risk_class if risk else False
            partner.lab_payment_probability = risk.probability if risk else 0.0
            partner.lab_risk_factors = risk.factors if risk else False

    def _compute_lab_credit_hold_reason(self):
        reasons = self._lab_credit_hold_reasons()
        for partner in self:
            partner.lab_credit_hold_reason = "\n".join(reasons.get(partner._origin, []))

    def _lab_credit_hold_reasons(self):
        """Why each customer in ``self`` is on credit hold in the current company:
        an invoice overdue beyond the days set in Settings, the open receivable
        over the customer's credit limit, or a high risk of late payment (post-paid
        customers). Two queries for all of them. A manager's release
        (``lab_credit_hold_released_until``) lifts the hold until its date.
        """
        company = self.env.company
        customers = self._origin.commercial_partner_id
        limit_days = company.sudo().lab_credit_hold_overdue_days
        arrears = self.env["lab.arrears.customer"].sudo()._figures(customers, company)
        latest_risk = self.env["lab.customer.risk"]._latest(customers)
        today = fields.Date.context_today(self)
        reasons = {}
        # Whoever confirms an order is checked, not only Lab CRM users: the hold's
        # own fields are read as the system, what is said is the user's to know.
        show_risk_factors = self._has_field_access(
            self._fields["lab_risk_factors"], "read"
        )
        for partner in self._origin:
            customer = partner.sudo().commercial_partner_id
            row = arrears.get(customer)
            released = customer.lab_credit_hold_released_until
            if released and released >= today:
                continue
            found = []
            if row and limit_days and row["max_days_overdue"] > limit_days:
                found.append(
                    self.env._(
                        "Invoice %(invoice)s is %(days)s days overdue (more than "
                        "%(limit)s).",
                        invoice=row["oldest_overdue_move_id"].name,
                        days=row["max_days_overdue"],
                        limit=limit_days,
                    )
                )
            credit_limit = customer.sudo().with_company(company).credit_limit
            if (
                row
                and company.account_use_credit_limit
                and credit_limit
                and row["amount_open"] > credit_limit
            ):
                found.append(
                    self.env._(
                        "The open receivable %(open)s is over the credit limit "
                        "%(limit)s.",
                        open=company.currency_id.format(row["amount_open"]),
                        limit=company.currency_id.format(credit_limit),
                    )
                )
            risk = latest_risk.get(customer)
            if risk and risk.risk_class == "high" and not customer.is_lab_prepaid:
                found.append(
                    self.env._(
                        "High risk of late payment (%(probability)s%% chance to pay "
                        "on time): %(factors)s",
                        probability=round(100 * risk.probability),
                        factors=risk.factors,
                    )
                    if show_risk_factors
                    else self.env._("High risk of late payment.")
                )
            if found:
                reasons[partner] = found
        return reasons

    def _lab_check_credit_hold(self, what):
        """Refuse new work (``what``: a short description) for a customer on hold."""
        for partner, reasons in self._lab_credit_hold_reasons().items():
            raise UserError(
                self.env._(
                    "%(customer)s is on credit hold: %(what)s cannot go ahead.\n"
                    "%(reasons)s\nRegister the payments, or ask a Lab CRM manager "
                    "to lift the hold.",
                    customer=partner.commercial_partner_id.display_name,
                    what=what,
                    reasons="\n".join(reasons),
                )
            )

    def action_lift_credit_hold(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_manager")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lift Credit Hold"),
            "res_model": "lab.credit.hold.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    @api.constrains("social_credit_code", "is_company", "active", "company_id")
    def _check_social_credit_code(self):
        # Constraints run for whoever saves (a default is saved too): the code is
        # staff's, and a partner may be created by a portal sign-up.
        partners = self.sudo().filtered(lambda p: p.social_credit_code)
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
        # Every new partner has a stage (its default), whoever creates it.
        for partner in self.sudo():
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
            self.lost_to_competitor_id = False

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("lab_credit_hold_released_until") for vals in vals_list):
            self._lab_check_credit_hold_release()
        if any(vals.get("lab_survey_points") for vals in vals_list):
            self._lab_check_survey_points()
        for vals in vals_list:
            self._normalize_lab_vals(vals)
            self._lab_sync_taxpayer_id(vals)
        return super().create(vals_list)

    def write(self, vals):
        if "lab_credit_hold_released_until" in vals:
            self._lab_check_credit_hold_release()
        # Unchanged points pass: a form or a merge may write back what it read.
        if "lab_survey_points" in vals and any(
            partner.lab_survey_points != vals["lab_survey_points"]
            for partner in self.sudo()
        ):
            self._lab_check_survey_points()
        self._normalize_lab_vals(vals)
        if "vat" in vals and "social_credit_code" not in vals:
            # The credit code follows the vat of the Chinese ones only.
            chinese = self.filtered(lambda p: p._lab_uses_credit_code(vals))
            if chinese and chinese != self:
                return chinese.write(dict(vals)) and (self - chinese).write(vals)
        self._lab_sync_taxpayer_id(vals)
        Change = self.env["lab.partner.change"]
        watched = (
            self.filtered("is_company")
            if Change._watched_fields() & set(vals)
            else self.browse()
        )
        before = {partner.id: Change._snapshot(partner) for partner in watched}
        result = super().write(vals)
        if "lifecycle_stage" in vals and vals["lifecycle_stage"] != "lost":
            # A customer back from lost keeps no lost reason. The reason is Lab
            # CRM's, the stage staff's: cleared as the system for whoever moves it.
            self.sudo().filtered(
                lambda p: p.lifecycle_lost_reason or p.lost_to_competitor_id
            ).write({"lifecycle_lost_reason": False, "lost_to_competitor_id": False})
        if watched:
            Change._record_changes(watched, before)
        return result

    @api.model
    def _lab_check_credit_hold_release(self):
        if not self.env.su and not self.env.user.has_group(
            "lab_crm.group_lab_crm_manager"
        ):
            raise AccessError(
                self.env._("Only a Lab CRM manager may lift a credit hold.")
            )

    @api.model
    def _lab_check_survey_points(self):
        """Survey points are the system's count (lab.survey's answers)."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Survey points are earned by answering surveys: they cannot be "
                    "set by hand."
                )
            )

    @api.model
    def _normalize_lab_vals(self, vals):
        if vals.get("social_credit_code"):
            vals["social_credit_code"] = uscc.compact(vals["social_credit_code"])

    def _lab_uses_credit_code(self, vals):
        """Whether the taxpayer id (``vat``) of these partners, with ``vals``
        written, is a unified social credit code: they are in China."""
        if "country_id" in vals:
            country = self.env["res.country"].browse(vals["country_id"])
        else:
            country = self.country_id
        return bool(country) and set(country.mapped("code")) == {"CN"}

    def _lab_sync_taxpayer_id(self, vals):
        """One taxpayer id, not two: the unified social credit code is the
        source, written to Odoo's ``vat`` (which invoices print); a ``vat``
        written on a Chinese partner becomes its credit code, checked as one
        (``_check_social_credit_code``). Both given and different: refused."""
        vat = vals.get("vat") or False
        code = vals.get("social_credit_code") or False
        if "social_credit_code" not in vals:
            if "vat" in vals and self._lab_uses_credit_code(vals):
                vals["social_credit_code"] = vat and uscc.compact(vat)
            return
        if "vat" not in vals:
            if code or self._lab_uses_credit_code(vals):
                vals["vat"] = code
            return
        # Both given (a form saves every field of a new partner).
        if code and vat and uscc.compact(vat) != code:
            raise UserError(
                self.env._(
                    "The tax ID %(vat)s differs from the unified social credit "
                    "code %(code)s: for a Chinese company they are one number. "
                    "Give the credit code only.",
                    vat=vat,
                    code=code,
                )
            )
        if code:
            vals["vat"] = code
        elif vat and self._lab_uses_credit_code(vals):
            vals["social_credit_code"] = uscc.compact(vat)

    def action_view_samples(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_sample_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_complaints(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_complaint_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_qualifications(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_qualification_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_view_lab_reminders(self):
        self.env["res.users"]._lab_check_groups(
            "account.group_account_invoice,lab_crm.group_lab_crm_manager"
        )
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_arrears_reminder_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    @api.model
    def _lab_customer_filter(self, filter_text, company, name):
        """The customers (companies) of ``company`` that a saved filter picks:
        a survey campaign's targets, a target group. ``name`` names the filter's
        owner in the error a filter that cannot be read gives."""
        try:
            domain = Domain(safe_eval(filter_text or "[]"))
        except (ValueError, SyntaxError, NameError) as error:
            raise UserError(
                self.env._(
                    "The customers of %(name)s are not a valid filter.", name=name
                )
            ) from error
        return (
            domain
            & Domain("is_company", "=", True)
            & Domain("company_id", "in", [False, company.id])
        )

    @api.model
    def _lab_account_team_domain(self, user):
        """Customers on whose account team ``user`` is, in any role."""
        return Domain.OR(
            [
                Domain(role, "=", user.id)
                for role in ("user_id", "service_manager_id", "technical_advisor_id")
            ]
        )

    def _lab_queue_report_cc(self, message):
        """Queue a copy of ``message`` (a report sent to these contacts) to their
        CC addresses, one e-mail for all."""
        addresses = ", ".join(
            address.strip()
            for partner in self.sudo()
            for address in (partner.lab_report_cc or "").split(",")
            if address.strip()
        )
        if not addresses:
            return
        self.env["mail.mail"].sudo().create(
            {
                "mail_message_id": message.id,
                "email_to": addresses,
                "body_html": message.body,
                "auto_delete": True,
            }
        )
