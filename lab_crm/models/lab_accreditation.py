from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

# The mark printed on a report for each kind of accreditation.
MARKS = {"cma": "CMA", "cnas": "CNAS"}


class LabAccreditation(models.Model):
    """One of the laboratory's own accreditations: the CMA (检验检测机构资质认定,
    the mandatory approval of the market regulator), the CNAS accreditation
    (ISO/IEC 17025), or another. Its certificate number, scope and validity are
    public (printed on reports, listed by CNCA and CNAS): customers may read
    them. The test items it covers carry its mark (``product.template``); a
    sample's report claims the marks all its items carry
    (``lab.sample.accreditation_ids``)."""

    _name = "lab.accreditation"
    _description = "Laboratory Accreditation"
    _inherit = ["mail.thread", "mail.activity.mixin", "lab.activity.mixin"]
    _order = "kind, code, date_to desc, id"
    _rec_names_search = ["code", "name", "number"]
    _check_company_auto = True

    kind = fields.Selection(
        [("cma", "CMA"), ("cnas", "CNAS"), ("other", "Other")],
        required=True,
        default="cma",
        tracking=True,
    )
    code = fields.Char(
        string="Mark",
        compute="_compute_code",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="The mark printed on the report, e.g. CMA, CNAS, ILAC-MRA.",
    )
    name = fields.Char(
        required=True,
        help="e.g. Inspection Body and Laboratory Mandatory Approval",
    )
    number = fields.Char(string="Certificate Number", required=True, tracking=True)
    scope = fields.Text(
        help="The accredited scope, as on the certificate's annex: products, "
        "parameters, standards."
    )
    date_from = fields.Date(
        string="Valid from",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_to = fields.Date(
        string="Valid until", tracking=True, help="Leave empty when it does not expire."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True, tracking=True)
    status = fields.Selection(
        [
            ("future", "Not yet valid"),
            ("valid", "Valid"),
            ("expiring", "Expiring"),
            ("expired", "Expired"),
        ],
        compute="_compute_status",
    )
    product_tmpl_ids = fields.Many2many(
        "product.template",
        "lab_accreditation_product_template_rel",
        "accreditation_id",
        "product_tmpl_id",
        string="Test Items",
        domain="[('is_lab_test_item', '=', True), "
        "('lab_is_subcontracted', '=', False)]",
        help="The test items within its scope: their reports may carry its mark.",
        groups="base.group_user",
    )
    expiry_notice_date = fields.Date(
        readonly=True,
        copy=False,
        help="The expiry date for which the quality manager already got an activity.",
        groups="base.group_user",
    )

    @api.depends("kind")
    def _compute_code(self):
        for accreditation in self:
            accreditation.code = MARKS.get(accreditation.kind) or accreditation.code

    @api.depends("date_from", "date_to", "company_id")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for accreditation in self:
            company = accreditation.company_id.sudo()
            horizon = today + timedelta(days=company.lab_accreditation_expiry_days)
            if accreditation.date_from and accreditation.date_from > today:
                accreditation.status = "future"
            elif accreditation.date_to and accreditation.date_to < today:
                accreditation.status = "expired"
            elif accreditation.date_to and accreditation.date_to <= horizon:
                accreditation.status = "expiring"
            else:
                accreditation.status = "valid"

    @api.depends("code")
    def _compute_display_name(self):
        # The mark, as on the badges of test items and reports.
        for accreditation in self:
            accreditation.display_name = accreditation.code

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for accreditation in self:
            if (
                accreditation.date_to
                and accreditation.date_to < accreditation.date_from
            ):
                raise ValidationError(
                    self.env._(
                        "%(mark)s %(number)s cannot expire (%(end)s) before it is "
                        "valid (%(start)s).",
                        mark=accreditation.code,
                        number=accreditation.number,
                        end=accreditation.date_to,
                        start=accreditation.date_from,
                    )
                )

    @api.constrains("product_tmpl_ids")
    def _check_product_tmpl_ids(self):
        # Set from this side, the test items check their own rule: a
        # subcontracted item carries no mark of the laboratory.
        self.product_tmpl_ids._check_lab_subcontracting()

    # Business methods

    def _lab_valid_on(self, day):
        """The accreditations of ``self`` valid on ``day``."""
        return self.filtered(
            lambda accreditation: (
                accreditation.date_from <= day
                and (not accreditation.date_to or day <= accreditation.date_to)
            )
        )

    @api.model
    def _lab_expiring_domain(self):
        """The accreditations whose expiry date is within their company's notice
        days (Settings), not past."""
        today = fields.Date.context_today(self)
        return Domain("date_to", ">=", today) & self.env[
            "res.company"
        ]._lab_settings_domain(
            lambda company: Domain(
                "date_to",
                "<=",
                today + timedelta(days=company.lab_accreditation_expiry_days),
            )
        )

    @api.model
    def _cron_notify_expiring(self):
        """Give the quality manager (Settings; else every Lab CRM manager) one
        activity on each accreditation entering its expiry notice, once per
        expiry date: a renewed accreditation with a new date is noticed again."""
        expiring = self.search(self._lab_expiring_domain()).filtered(
            lambda accreditation: (
                accreditation.expiry_notice_date != accreditation.date_to
            )
        )
        if not expiring:
            return
        managers = expiring.company_id._lab_setting_users("lab_quality_manager_id")
        for accreditation in expiring:
            if not managers[accreditation.company_id]:
                continue  # noticed on a later run, once someone looks after it
            accreditation._lab_schedule_daily_activity(
                "lab_crm.mail_activity_type_accreditation_expiry",
                self.env._(
                    "%(mark)s %(number)s expires on %(date)s: apply for its renewal",
                    mark=accreditation.code,
                    number=accreditation.number,
                    date=accreditation.date_to,
                ),
                managers[accreditation.company_id],
                date_deadline=accreditation.date_to,
            )
            accreditation.expiry_notice_date = accreditation.date_to
