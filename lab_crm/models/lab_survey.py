import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

# The eight dimensions of service quality the articles measure (DOMAIN.md §4),
# each a score from 1 (poor) to 5 (excellent); 0 means not rated.
DIMENSIONS = [
    ("score_guidance", "Clarity of submission guidance"),
    ("score_accuracy", "Data accuracy"),
    ("score_turnaround", "Turnaround speed"),
    ("score_resolution", "Problem resolution"),
    ("score_responsiveness", "Responsiveness"),
    ("score_attitude", "Staff attitude"),
    ("score_competence", "Technical competence"),
    ("score_fees", "Fee reasonableness"),
]
SURVEY_CHANNELS = [
    ("visit", "Visit"),
    ("letter", "Letter"),
    ("email", "E-mail"),
    ("fax", "Fax"),
    ("phone", "Phone"),
    ("questionnaire", "Questionnaire"),
    ("wechat", "WeChat"),
]
NPS_VALUES = [(str(n), str(n)) for n in range(11)]
# The surveys whose answers are in, analysed or not: the ones that count.
ANSWERED_STATES = ("answered", "analysed")


class LabSurvey(models.Model):
    _name = "lab.survey"
    _description = "Satisfaction Survey"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [
            ("campaign", "Campaign"),
            ("follow_up", "Follow-up visit"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        groups="base.group_user",
    )
    campaign_id = fields.Many2one(
        "lab.survey.campaign", index=True, ondelete="cascade", check_company=True
    )
    sample_id = fields.Many2one(
        "lab.sample",
        index="btree_not_null",
        help="The delivered sample this follow-up is about.",
        groups="base.group_user",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Project",
        index="btree_not_null",
        ondelete="set null",
        help="The won project whose warranty period this follow-up is in.",
        groups="base.group_user",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('is_company', '=', True)]",
    )
    customer_category = fields.Selection(
        related="partner_id.customer_category",
        store=True,
        groups="base.group_user",
    )
    user_id = fields.Many2one(
        related="partner_id.user_id",
        string="Account Manager",
        store=True,
        groups="base.group_user",
    )
    contact_id = fields.Many2one(
        "res.partner", domain="[('parent_id', '=', partner_id)]", tracking=True
    )
    channel = fields.Selection(
        SURVEY_CHANNELS, default="email", required=True, groups="base.group_user"
    )
    date = fields.Date(default=fields.Date.context_today, required=True)
    interviewer_id = fields.Many2one(
        "res.users",
        default=lambda self: self.env.user,
        tracking=True,
        groups="base.group_user",
    )
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("sent", "Sent"),
            ("answered", "Answered"),
            ("analysed", "Analysed"),
        ],
        required=True,
        default="planned",
        tracking=True,
        group_expand=True,
    )
    score_guidance = fields.Integer(
        string="Clarity of submission guidance", aggregator="avg"
    )
    score_accuracy = fields.Integer(string="Data accuracy", aggregator="avg")
    score_turnaround = fields.Integer(string="Turnaround speed", aggregator="avg")
    score_resolution = fields.Integer(string="Problem resolution", aggregator="avg")
    score_responsiveness = fields.Integer(string="Responsiveness", aggregator="avg")
    score_attitude = fields.Integer(string="Staff attitude", aggregator="avg")
    score_competence = fields.Integer(string="Technical competence", aggregator="avg")
    score_fees = fields.Integer(string="Fee reasonableness", aggregator="avg")
    overall_score = fields.Float(
        compute="_compute_overall_score",
        store=True,
        aggregator="avg",
        digits=(3, 2),
        help="Average of the rated dimensions (1 to 5).",
        groups="base.group_user",
    )
    nps = fields.Selection(
        NPS_VALUES,
        string="Likelihood to Recommend (0-10)",
        help="Net Promoter Score question: 9-10 promoter, 7-8 passive, 0-6 detractor.",
    )
    nps_category = fields.Selection(
        [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")],
        compute="_compute_nps_category",
        store=True,
        groups="base.group_user",
    )
    comments = fields.Text()
    suggestions = fields.Text()
    is_confirmed = fields.Boolean(
        string="Confirmed by the Customer",
        help="The written record was confirmed by both sides.",
        groups="base.group_user",
    )
    answered_datetime = fields.Datetime(string="Answered on", readonly=True, copy=False)

    # The customer's personal link (no login needed).
    access_token = fields.Char(copy=False, readonly=True, groups="base.group_user")
    token_expiry_date = fields.Date(copy=False, readonly=True)
    answer_url = fields.Char(compute="_compute_answer_url", groups="base.group_user")

    _campaign_partner_uniq = models.Constraint(
        "UNIQUE (campaign_id, partner_id)",
        "A customer gets one survey per campaign.",
    )
    _access_token_uniq = models.Constraint(
        "UNIQUE (access_token)", "This survey link is already used."
    )

    @api.depends("partner_id", "date", "campaign_id")
    def _compute_name(self):
        for survey in self:
            origin = survey.campaign_id.name or dict(
                self._fields["kind"]._description_selection(self.env)
            ).get(survey.kind)
            survey.name = f"{origin} - {survey.partner_id.name or ''}"

    @api.depends(*(fname for fname, _label in DIMENSIONS))
    def _compute_overall_score(self):
        for survey in self:
            scores = [survey[fname] for fname, _label in DIMENSIONS if survey[fname]]
            survey.overall_score = sum(scores) / len(scores) if scores else 0.0

    @api.depends("nps")
    def _compute_nps_category(self):
        for survey in self:
            if not survey.nps:
                survey.nps_category = False
            elif int(survey.nps) >= 9:
                survey.nps_category = "promoter"
            elif int(survey.nps) >= 7:
                survey.nps_category = "passive"
            else:
                survey.nps_category = "detractor"

    def _compute_answer_url(self):
        for survey in self:
            token = survey.sudo().access_token
            survey.answer_url = token and f"{survey.get_base_url()}/lab/survey/{token}"

    @api.constrains(*(fname for fname, _label in DIMENSIONS))
    def _check_scores(self):
        for survey in self:
            for fname, _label in DIMENSIONS:
                if not 0 <= survey[fname] <= 5:
                    raise ValidationError(
                        self.env._(
                            "The score for %(dimension)s must be from 1 to 5 "
                            "(0 when not rated), not %(score)s.",
                            dimension=self._fields[fname]._description_string(self.env),
                            score=survey[fname],
                        )
                    )

    @api.constrains("contact_id", "partner_id")
    def _check_contact_id(self):
        Document = self.env["lab.customer.document"]
        for survey in self:
            Document._lab_check_contact(survey.contact_id, survey.partner_id)

    # Actions

    def action_send(self):
        """Give each survey a personal link and e-mail it to the customer (queued)."""
        self.check_access("write")
        template = self.env.ref("lab_crm.mail_template_survey_invitation")
        today = fields.Date.context_today(self)
        for survey in self:
            validity = survey.company_id.sudo().lab_survey_token_validity_days
            if survey.state not in ("planned", "sent"):
                raise UserError(
                    self.env._("%(name)s is already answered.", name=survey.name)
                )
            survey.sudo().write(
                {
                    "access_token": secrets.token_urlsafe(32),  # 256 random bits
                    "token_expiry_date": today + timedelta(days=validity),
                    "state": "sent",
                }
            )
            recipient = survey.contact_id or survey.partner_id
            if recipient.email:
                survey.with_context(
                    mail_notify_force_send=False
                ).message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=recipient.ids,
                )

    def action_mark_answered(self):
        """Answers taken by the interviewer (visit, phone, letter...)."""
        self.check_access("write")
        for survey in self:
            survey._record_answer({})

    def action_analyse(self):
        self.check_access("write")
        self.filtered(lambda s: s.state == "answered").write({"state": "analysed"})

    # Business methods

    @api.model
    def _get_by_token(self, token):
        """The survey of a personal link; nothing if the link is unknown or expired."""
        if not token or not isinstance(token, str) or len(token) < 32:
            return self.browse()
        survey = self.sudo().search([("access_token", "=", token)], limit=1)
        today = fields.Date.context_today(self)
        if (
            not survey
            or not survey.token_expiry_date
            or survey.token_expiry_date < today
        ):
            return self.browse()
        return survey

    def _record_answer(self, values):
        """Store the customer's answers once and award the participation points."""
        self.ensure_one()
        if self.state in ANSWERED_STATES:
            raise UserError(self.env._("This survey was already answered."))
        self.write(
            {
                **values,
                "state": "answered",
                "answered_datetime": fields.Datetime.now(),
            }
        )
        points = self.company_id.sudo().lab_survey_points_per_answer
        if points:
            customer = self.partner_id.sudo()
            customer.lab_survey_points += points

    @api.model
    def _cron_create_follow_ups(self):
        """A follow-up visit some days after a sample is delivered (回访), at most one
        per customer per period. Both numbers are in the Settings of the sample's
        company."""
        today = fields.Date.context_today(self)

        def due(company):
            return today - timedelta(days=company.lab_follow_up_delay_days)

        def since(company):  # the start of the period
            return today - timedelta(days=company.lab_follow_up_period_days)

        samples = self.env["lab.sample"].search(
            Domain("state", "=", "delivered")
            & self.env["res.company"]._lab_settings_domain(
                lambda company: (
                    Domain("delivered_date", "<=", due(company))
                    & Domain(
                        "delivered_date",
                        ">",
                        due(company)
                        - timedelta(days=company.lab_follow_up_period_days),
                    )
                )
            ),
            order="delivered_date desc, id desc",
        )
        companies = samples.company_id.sudo()
        last_follow_up = dict(
            self._read_group(
                [
                    ("kind", "=", "follow_up"),
                    ("partner_id", "in", samples.partner_id.ids),
                    ("date", ">", min(map(since, companies), default=today)),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        latest = {}
        for sample in samples:  # newest first: keep each customer's latest delivery
            last = last_follow_up.get(sample.partner_id)
            if not (last and last > since(sample.company_id.sudo())):
                latest.setdefault(sample.partner_id, sample)
        return self.create(
            [
                {
                    "kind": "follow_up",
                    "sample_id": sample.id,
                    "company_id": sample.company_id.id,
                    "partner_id": customer.id,
                    "contact_id": sample.contact_id.id,
                    "channel": "phone",
                    "date": today,
                    "interviewer_id": (
                        customer.service_manager_id or customer.user_id
                    ).id,
                }
                for customer, sample in latest.items()
            ]
        )
