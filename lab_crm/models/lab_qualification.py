from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class LabQualification(models.Model):
    _name = "lab.qualification"
    _description = "Customer Qualification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "expiry_date, id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('is_company', '=', True)]",
        tracking=True,
    )
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    user_id = fields.Many2one(related="partner_id.user_id", string="Account Manager")
    qualification_type = fields.Selection(
        [
            ("certification", "Product certification"),
            ("production_licence", "Production licence"),
            ("famous_brand", "Famous-brand product"),
            ("government_award", "Government quality award"),
            ("trademark", "Registered trademark"),
        ],
        string="Type",
        required=True,
        default="certification",
        tracking=True,
    )
    name = fields.Char(
        string="Title", required=True, help="The product, brand or award it is for."
    )
    number = fields.Char(tracking=True)
    issuer = fields.Char()
    scope = fields.Text()
    issue_date = fields.Date(tracking=True)
    expiry_date = fields.Date(
        tracking=True, help="Leave empty when it does not expire."
    )
    status = fields.Selection(
        [("valid", "Valid"), ("expiring", "Expiring"), ("expired", "Expired")],
        compute="_compute_status",
        search="_search_status",
    )
    expiry_notice_date = fields.Date(
        readonly=True,
        copy=False,
        help="The expiry date for which the account manager already got an activity.",
    )

    @api.depends("expiry_date", "company_id")
    def _compute_status(self):
        today = fields.Date.context_today(self)
        for qualification in self:
            # A customer shared by the companies follows the current company's.
            company = (qualification.company_id or self.env.company).sudo()
            horizon = today + timedelta(days=company.lab_qualification_expiry_days)
            expiry = qualification.expiry_date
            if expiry and expiry < today:
                qualification.status = "expired"
            elif expiry and expiry <= horizon:
                qualification.status = "expiring"
            else:
                qualification.status = "valid"

    def _search_status(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)

        def horizon(company):
            return today + timedelta(days=company.lab_qualification_expiry_days)

        Company = self.env["res.company"]
        by_status = {
            "expired": Domain("expiry_date", "<", today),
            "expiring": Domain("expiry_date", ">=", today)
            & Company._lab_settings_domain(
                lambda company: Domain("expiry_date", "<=", horizon(company))
            ),
            "valid": Domain("expiry_date", "=", False)
            | Company._lab_settings_domain(
                lambda company: Domain("expiry_date", ">", horizon(company))
            ),
        }
        domain = Domain.OR(by_status[status] for status in value if status in by_status)
        return domain if operator == "in" else ~domain

    @api.constrains("issue_date", "expiry_date")
    def _check_expiry_date(self):
        for qualification in self:
            if (
                qualification.issue_date
                and qualification.expiry_date
                and qualification.expiry_date < qualification.issue_date
            ):
                raise ValidationError(
                    self.env._(
                        "%(name)s cannot expire (%(expiry)s) "
                        "before it is issued (%(issue)s).",
                        name=qualification.name,
                        expiry=qualification.expiry_date,
                        issue=qualification.issue_date,
                    )
                )

    @api.model
    def _cron_notify_expiring(self):
        """Give the account manager one activity per line entering its expiry window.

        A line is noticed once per expiry date: a renewed line is noticed again.
        """
        expiring = self.search(
            [("status", "in", ["expiring"]), ("partner_id.active", "=", True)]
        ).filtered(lambda q: q.expiry_notice_date != q.expiry_date)
        for qualification in expiring:
            partner = qualification.partner_id
            responsible = partner.user_id or partner.service_manager_id
            if not responsible:
                continue  # noticed on a later run, once there is an account team
            # No assignment e-mail: see
            # lab.activity.mixin._lab_schedule_daily_activity.
            qualification.with_context(
                mail_activity_quick_update=True
            ).activity_schedule(
                act_type_xmlid="lab_crm.mail_activity_type_qualification_expiry",
                date_deadline=qualification.expiry_date,
                summary=self.env._(
                    "%(name)s expires on %(date)s",
                    name=qualification.name,
                    date=qualification.expiry_date,
                ),
                user_id=responsible.id,
            )
            qualification.expiry_notice_date = qualification.expiry_date
