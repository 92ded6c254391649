import base64
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.translate import LazyTranslate

from .account_move import FAPIAO_TYPES
from .lab_report_version import sha256_hex

_lt = LazyTranslate(__name__)

SAMPLE_STATES = [
    ("requested", "Requested online"),
    ("received", "Received"),
    ("review", "Contract Review"),
    ("testing", "Testing"),
    ("reported", "Reported"),
    ("delivered", "Delivered"),
    ("cancelled", "Cancelled"),
]
# The states a sample may be created in: requested online by the customer (网上受理,
# then accepted by reception), or received at the counter.
INITIAL_STATES = ("requested", "received")
# Samples not counted as received ones (customer figures, contracts, segmentation,
# service quality): a request that reception has not accepted yet, or a cancelled
# sample.
UNCOUNTED_STATES = ("requested", "cancelled")
# What only a Lab CRM manager sets: testing may start before payment.
PREPAID_OVERRIDE = {"prepaid_override_user_id", "prepaid_override_reason"}


class LabSample(models.Model):
    _name = "lab.sample"
    _description = "Submitted Sample"
    _inherit = ["lab.customer.document", "portal.mixin"]
    _order = "received_datetime desc, id desc"
    _lab_document_kind = _lt("Sample")
    _lab_customer_links = ("contact_id", "sale_order_id")
    # The moves a sample may make; anything else is refused.
    _lab_allowed_moves = {
        "requested": {"received", "cancelled"},
        "received": {"review", "cancelled"},
        "review": {"testing", "received", "cancelled"},
        "testing": {"reported", "cancelled"},
        "reported": {"delivered", "testing"},
        "delivered": set(),
        "cancelled": {"received"},
    }

    contact_id = fields.Many2one(
        "res.partner",
        tracking=True,
        domain="[('parent_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        groups="base.group_user",
    )
    received_by_id = fields.Many2one(
        "res.users",
        string="Received by",
        default=lambda self: self.env.user,
        tracking=True,
        groups="base.group_user",
    )
    sample_name = fields.Char(string="Sample", required=True, tracking=True)
    description = fields.Text()
    batch = fields.Char(string="Batch / Lot")
    quantity = fields.Float(default=1.0, digits="Product Unit")
    uom_id = fields.Many2one("uom.uom", string="Unit")
    line_ids = fields.One2many(
        "lab.sample.line", "sample_id", string="Test Items", copy=True
    )
    # A sample requested online has the time of its request here until reception
    # accepts it (action_accept), which sets the time the sample really arrived.
    received_datetime = fields.Datetime(
        string="Received", required=True, default=fields.Datetime.now, tracking=True
    )
    turnaround_days = fields.Integer(
        string="Turnaround (working days)",
        compute="_compute_turnaround_days",
        store=True,
        readonly=False,
        tracking=True,
        help="The longest turnaround of the accepted test items; may be set by hand.",
    )
    promised_date = fields.Date(
        compute="_compute_promised_date",
        store=True,
        tracking=True,
        help="The received date plus the turnaround, counted in working days of "
        "the company's calendar (weekends and public holidays skipped); none "
        "before reception accepts a sample requested online.",
    )
    state = fields.Selection(
        SAMPLE_STATES,
        string="Status",
        required=True,
        default="received",
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,  # kanban columns in workflow order, empty ones too
    )

    # Contract review (合同评审)
    review_user_id = fields.Many2one(
        "res.users",
        string="Reviewed by",
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    review_datetime = fields.Datetime(
        string="Reviewed on", readonly=True, copy=False, groups="base.group_user"
    )
    review_remarks = fields.Text(copy=False, groups="base.group_user")

    # Report
    report_number = fields.Char(copy=False, tracking=True, index="btree_not_null")
    report_date = fields.Date(copy=False, tracking=True)
    delivered_date = fields.Date(copy=False, readonly=True, tracking=True)
    report_file = fields.Binary(
        attachment=True,
        copy=False,
        groups="base.group_user",  # the customer downloads it once delivered (/my)
        help="The report (PDF) the customer downloads from the portal once the "
        "sample is delivered.",
    )
    report_filename = fields.Char(copy=False)
    accreditation_ids = fields.Many2many(
        "lab.accreditation",
        "lab_sample_accreditation_rel",
        "sample_id",
        "accreditation_id",
        string="Accreditation Marks",
        compute="_compute_accreditation_ids",
        store=True,
        readonly=False,
        copy=False,
        # A claimed mark stays what the report carried: the accreditation is
        # archived, not deleted.
        ondelete="restrict",
        check_company=True,
        help="The marks (CMA, CNAS...) the report carries: by default those that "
        "all its own test items carry, valid today. Subcontracted and rejected "
        "items do not count.",
    )
    report_version_ids = fields.One2many(
        "lab.report.version",
        "sample_id",
        string="Report Versions",
        groups="base.group_user",
    )
    report_version_id = fields.Many2one(
        "lab.report.version",
        string="Current Report Version",
        compute="_compute_report_version_id",
        groups="base.group_user",
        help="The latest issued version of the report (valid or withdrawn).",
    )
    report_verification_count = fields.Integer(
        string="Report Verifications",
        compute="_compute_report_verification_count",
        groups="base.group_user",
        help="How often the sample's reports were looked up on the public "
        "verification page.",
    )
    is_on_time = fields.Boolean(
        string="On Time",
        compute="_compute_is_on_time",
        store=True,
        help="Reported on or before the promised date.",
        groups="base.group_user",
    )
    on_time_rate = fields.Float(
        string="On-Time Rate (%)",
        compute="_compute_is_on_time",
        store=True,
        aggregator="avg",
        help="100 for a sample reported on time, 0 for a late one; averaged "
        "in reports.",
        groups="base.group_user",
    )
    actual_turnaround_days = fields.Integer(
        string="Actual Turnaround (days)",
        compute="_compute_is_on_time",
        store=True,
        aggregator="avg",
        help="Calendar days from reception to report.",
        groups="base.group_user",
    )

    # Sales and invoicing
    fapiao_type = fields.Selection(
        FAPIAO_TYPES,
        compute="_compute_fapiao_type",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="The fapiao the customer wants for this sample, passed to its sale "
        "order and invoice; the customer's by default.",
    )
    sale_order_id = fields.Many2one(
        "sale.order",
        copy=False,
        tracking=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id)]",
        groups="base.group_user",
    )
    invoice_status = fields.Selection(
        related="sale_order_id.invoice_status", groups="base.group_user"
    )
    payment_state = fields.Selection(
        [
            ("no_invoice", "Not invoiced"),
            ("not_paid", "Not paid"),
            ("partial", "Partially paid"),
            ("paid", "Paid"),
        ],
        compute="_compute_payment_state",
        groups="base.group_user",
    )
    is_prepaid = fields.Boolean(
        related="partner_id.commercial_partner_id.is_lab_prepaid",
        string="Prepaid",
        groups="base.group_user",
    )
    prepaid_override_reason = fields.Text(
        readonly=True,
        copy=False,
        help="Why testing started before payment.",
        groups="base.group_user",
    )
    prepaid_override_user_id = fields.Many2one(
        "res.users",
        string="Override by",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )

    # Service contract (服务合同)
    service_contract_id = fields.Many2one(
        "lab.service.contract",
        compute="_compute_service_contract_id",
        store=True,
        readonly=False,
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id), ('state', '=', 'active')]",
        help="The customer's contract running when the sample was received.",
        groups="base.group_user",
    )
    is_beyond_contract = fields.Boolean(
        string="Beyond Contract",
        compute="_compute_is_beyond_contract",
        help="The contract's included tests are used up by earlier samples: this "
        "one is priced normally.",
        groups="base.group_user",
    )

    _report_number_company_uniq = models.Constraint(
        "UNIQUE (company_id, report_number)",
        "This report number is already used in this company.",
    )
    _name_company_uniq = models.Constraint(
        "UNIQUE (company_id, name)",
        "This sample reference is already used in this company.",
    )
    # A customer's samples, newest first: the portal's list and the partner's
    # sample figures.
    _partner_received_idx = models.Index(
        "(partner_id, received_datetime DESC, id DESC)"
    )

    @api.depends(
        "line_ids.turnaround_days",
        "line_ids.is_rejected",
        "service_contract_id.turnaround_days",
    )
    def _compute_turnaround_days(self):
        for sample in self:
            accepted = sample.line_ids.filtered(lambda line: not line.is_rejected)
            days = max(accepted.mapped("turnaround_days"), default=0)
            contract = sample._lab_applicable_contract()
            if contract.turnaround_days:  # the contract's commitment caps it
                days = min(days, contract.turnaround_days)
            sample.turnaround_days = days

    # Not on the marks of the products: a report's claim does not change when a
    # test item's coverage does later.
    @api.depends("line_ids.product_id", "line_ids.is_rejected", "company_id")
    def _compute_accreditation_ids(self):
        for sample in self:
            day = sample.report_date or fields.Date.context_today(sample)
            lines = sample._lab_own_lines()
            marks = lines[:1].accreditation_ids
            for line in lines[1:]:
                marks &= line.accreditation_ids
            sample.accreditation_ids = marks._lab_valid_on(day)

    @api.depends("partner_id")
    def _compute_fapiao_type(self):
        for sample in self:
            sample.fapiao_type = sample.partner_id._lab_fapiao_type()

    @api.depends("partner_id", "received_datetime", "company_id")
    def _compute_service_contract_id(self):
        running = self.env["lab.service.contract"]._running_lookup(self.partner_id)
        for sample in self:
            sample.service_contract_id = running(
                sample.partner_id,
                sample.received_datetime and sample._received_local_date(),
                sample.company_id,
            )

    @api.depends(
        "service_contract_id", "received_datetime", "line_ids", "line_ids.is_rejected"
    )
    def _compute_is_beyond_contract(self):
        """Beyond when the accepted test items of the contract's samples received
        before this one, plus its own, exceed the tests the contract includes.
        One grouped query for all the samples of ``self``."""
        limited = self.filtered(
            lambda s: s._lab_applicable_contract().included_test_count
        )
        counts = {
            sample: count
            for sample, count in self.env["lab.sample.line"]._read_group(
                [
                    (
                        "sample_id.service_contract_id",
                        "in",
                        limited.service_contract_id.ids,
                    ),
                    ("is_rejected", "=", False),
                    ("state", "not in", UNCOUNTED_STATES),
                ],
                ["sample_id"],
                ["__count"],
            )
        }
        for sample in self:
            contract = sample.service_contract_id
            if sample not in limited:
                sample.is_beyond_contract = False
                continue
            key = (
                sample.received_datetime or fields.Datetime.now(),
                sample._origin.id or 0,
            )
            before = sum(
                count
                for other, count in counts.items()
                if other != sample._origin
                and other.service_contract_id == contract
                and (other.received_datetime, other.id) < key
            )
            own = len(sample.line_ids.filtered(lambda line: not line.is_rejected))
            sample.is_beyond_contract = before + own > contract.included_test_count

    @api.depends("received_datetime", "turnaround_days", "company_id", "state")
    def _compute_promised_date(self):
        for sample in self:
            # Nothing is promised on a request until the sample is received.
            sample.promised_date = sample.state != "requested" and (
                sample._working_days_after(
                    sample.received_datetime, sample.turnaround_days
                )
            )

    @api.depends("report_date", "promised_date", "received_datetime")
    def _compute_is_on_time(self):
        for sample in self:
            reported = sample.report_date
            sample.is_on_time = bool(
                reported and sample.promised_date and reported <= sample.promised_date
            )
            sample.on_time_rate = 100.0 if sample.is_on_time else 0.0
            sample.actual_turnaround_days = (
                (reported - sample._received_local_date()).days if reported else 0
            )

    @api.depends("report_version_ids.version")
    def _compute_report_version_id(self):
        for sample in self:
            sample.report_version_id = sample.report_version_ids.sorted(
                lambda v: (v.version, v.id)
            )[-1:]

    def _compute_report_verification_count(self):
        counts = dict(
            self.env["lab.report.verification"]
            .sudo()
            ._read_group(
                [("version_id.sample_id", "in", self.ids)],
                ["version_id.sample_id"],
                ["__count"],
            )
        )
        for sample in self:
            sample.report_verification_count = counts.get(sample._origin, 0)

    @api.depends(
        "sale_order_id.invoice_ids.payment_state", "sale_order_id.invoice_ids.state"
    )
    def _compute_payment_state(self):
        for sample in self:
            invoices = sample.sale_order_id.invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type == "out_invoice"
            )
            if not invoices:
                sample.payment_state = "no_invoice"
            elif all(
                move.payment_state in ("paid", "in_payment", "reversed")
                for move in invoices
            ):
                sample.payment_state = "paid"
            elif any(
                move.payment_state in ("partial", "paid", "in_payment")
                for move in invoices
            ):
                sample.payment_state = "partial"
            else:
                sample.payment_state = "not_paid"

    def _compute_access_url(self):
        for sample in self:
            sample.access_url = f"/my/samples/{sample.id}"

    @api.onchange("service_contract_id", "line_ids")
    def _onchange_beyond_contract(self):
        if self.is_beyond_contract:
            return {
                "warning": {
                    "title": self.env._("Beyond the contract"),
                    "message": self.env._(
                        "Contract %(contract)s includes %(count)s tests and they "
                        "are used up: this sample is priced normally.",
                        contract=self.service_contract_id.name,
                        count=self.service_contract_id.included_test_count,
                    ),
                }
            }
        return None

    @api.constrains("quantity", "turnaround_days")
    def _check_quantity(self):
        for sample in self:
            if sample.quantity <= 0:
                raise ValidationError(
                    self.env._("The quantity of a sample must be positive.")
                )
            if sample.turnaround_days < 0:
                raise ValidationError(self.env._("The turnaround cannot be negative."))

    @api.constrains("accreditation_ids", "report_date", "line_ids")
    def _check_accreditation_ids(self):
        """A report claims only the marks that every one of its own test items
        carries, and only accreditations valid on its date (today before it is
        reported)."""
        for sample in self:
            claimed = sample.accreditation_ids
            if not claimed:
                continue
            day = sample.report_date or fields.Date.context_today(sample)
            invalid = claimed - claimed._lab_valid_on(day)
            if invalid:
                raise ValidationError(
                    self.env._(
                        "The report of sample %(name)s cannot carry %(marks)s: not "
                        "valid on %(date)s.",
                        name=sample.name,
                        marks=", ".join(invalid.mapped("display_name")),
                        date=day,
                    )
                )
            for line in sample._lab_own_lines():
                missing = claimed - line.accreditation_ids
                if missing:
                    raise ValidationError(
                        self.env._(
                            "The report of sample %(name)s cannot carry %(marks)s: "
                            "the test item %(item)s is outside its scope.",
                            name=sample.name,
                            marks=", ".join(missing.mapped("display_name")),
                            item=line.product_id.display_name,
                        )
                    )

    @api.constrains("report_file")
    def _check_report_file(self):
        for sample in self.with_context(bin_size=False):
            if sample.report_file and not base64.b64decode(
                sample.report_file[:8]
            ).startswith(b"%PDF-"):
                raise ValidationError(
                    self.env._(
                        "The report of sample %(name)s must be a PDF file.",
                        name=sample.name,
                    )
                )

    def _lab_reference_sequence(self, company):
        return company._lab_sample_sequence()

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(fname) for vals in vals_list for fname in PREPAID_OVERRIDE):
            self._lab_check_prepaid_override()
        samples = super().create(vals_list)
        for sample in samples.filtered(lambda s: s.state not in INITIAL_STATES):
            # Created directly in a later state (imports): the same rules apply.
            sample._check_move("received", sample.state)
        return samples

    def write(self, vals):
        self.check_access("write")  # before the workflow's own refusals
        if PREPAID_OVERRIDE & set(vals):
            self._lab_check_prepaid_override()
        if "state" in vals:
            for sample in self:
                sample._check_move(sample.state, vals["state"], vals)
        issued = self._lab_check_issued_report_write(vals)
        result = super().write(vals)
        for sample in issued:
            # The report issued without its file: the file is stamped now.
            sample._lab_stamp_current_report()
        return result

    def _lab_check_issued_report_write(self, vals):
        """Refuse a new report number or file for a delivered report (an
        amendment makes a new version); return the reported samples whose
        current version takes the new file (stamped)."""
        if self.env.context.get("lab_report_version_sync") or not (
            {"report_number", "report_file"} & set(vals)
        ):
            return self.browse()
        issued = self.sudo().filtered("report_version_ids")
        delivered = issued.filtered(lambda s: s.state == "delivered")
        if delivered:
            raise UserError(
                self.env._(
                    "The report of sample %(name)s is delivered: amend it to "
                    "change its number or file.",
                    name=delivered[0].name,
                )
            )
        reported = (issued - delivered).filtered(lambda s: s.state == "reported")
        if reported and vals.get("report_number", reported[0].report_number) != (
            reported[0].report_number
        ):
            raise UserError(
                self.env._(
                    "The report of sample %(name)s is issued: send the sample back "
                    "to testing to give it another number.",
                    name=reported[0].name,
                )
            )
        return (reported if vals.get("report_file") else reported.browse()).with_env(
            self.env
        )

    @api.model
    def _lab_check_prepaid_override(self):
        if not self.env.su and not self.env.user.has_group(
            "lab_crm.group_lab_crm_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Lab CRM manager may let testing start before payment."
                )
            )

    def _check_move_requirements(self, old, new, vals):
        if new == "testing" and old == "review":
            self._check_can_start_testing()
        if new == "reported" and not (vals.get("report_number") or self.report_number):
            raise UserError(
                self.env._(
                    "Give the report number of sample %(name)s before reporting it.",
                    name=self.name,
                )
            )

    def _check_can_start_testing(self):
        self.partner_id._lab_check_credit_hold(
            self.env._("testing of sample %(name)s", name=self.name)
        )
        if not self.line_ids.filtered(lambda line: not line.is_rejected):
            raise UserError(
                self.env._(
                    "Sample %(name)s has no accepted test item to test.", name=self.name
                )
            )
        if (
            self.is_prepaid
            and self.payment_state != "paid"
            and not self.prepaid_override_user_id
        ):
            raise UserError(
                self.env._(
                    "%(customer)s pays in advance and sample %(name)s is not paid yet: "
                    "testing cannot start. Register the payment of its invoice, or "
                    "ask a Lab CRM manager to override.",
                    customer=self.partner_id.display_name,
                    name=self.name,
                )
            )

    def _received_local_date(self):
        """The received date in the company's time zone."""
        tz = pytz.timezone(self._company_tz())
        return pytz.utc.localize(self.received_datetime).astimezone(tz).date()

    def _company_tz(self):
        calendar = self.company_id.resource_calendar_id
        return calendar.tz or self.env.user.tz or "UTC"

    def _working_days_after(self, received, days):
        """The date ``days`` working days after the day of ``received``.

        The reception day itself does not count; weekends and public holidays of
        the company's working calendar are skipped.
        """
        if not received:
            return False
        calendar = self.company_id.resource_calendar_id
        local_day = self._received_local_date()
        if days <= 0 or not calendar:
            return local_day + timedelta(days=max(days, 0))
        tz = pytz.timezone(self._company_tz())
        next_day = tz.localize(datetime.combine(local_day + timedelta(days=1), time()))
        planned = calendar.plan_days(days, next_day, compute_leaves=True)
        return planned.astimezone(tz).date() if planned else False

    # Actions

    def action_accept(self):
        """Reception accepts samples requested online: they are received now, by
        the current user, and their turnaround starts."""
        self.check_access("write")
        not_requested = self.filtered(lambda s: s.state != "requested")
        if not_requested:
            raise UserError(
                self.env._(
                    "Only samples requested online can be accepted: %(names)s.",
                    names=", ".join(not_requested.mapped("name")),
                )
            )
        self.write(
            {
                "state": "received",
                "received_datetime": fields.Datetime.now(),
                "received_by_id": self.env.user.id,
            }
        )

    def action_start_review(self):
        self.check_access("write")
        self.write({"state": "review"})

    def action_approve_review(self):
        """Contract review passed: the sale order is the contract."""
        self.check_access("write")
        for sample in self:
            if sample.state != "review":
                sample._check_move(sample.state, "testing")
            sample.write(
                {
                    "review_user_id": self.env.user.id,
                    "review_datetime": fields.Datetime.now(),
                }
            )
            sample._ensure_confirmed_sale_order()
            sample.write({"state": "testing"})

    def action_back_to_received(self):
        self.check_access("write")
        # A refused online request taken back was never received: it is
        # received now, like an accepted one, and its turnaround starts now.
        never_received = self.filtered(lambda sample: not sample.received_by_id)
        (self - never_received).write({"state": "received"})
        never_received.write(
            {
                "state": "received",
                "received_datetime": fields.Datetime.now(),
                "received_by_id": self.env.user.id,
            }
        )

    def action_report(self):
        """Issue the report: the sample is reported, its first report version
        is created with a verification code and its file is stamped."""
        self.check_access("write")
        for sample in self:
            sample.write(
                {
                    "state": "reported",
                    "report_date": sample.report_date
                    or fields.Date.context_today(sample),
                }
            )
            if sample.sudo().report_version_id.name == sample.report_number:
                sample._lab_stamp_current_report()  # reported again, same number
            else:
                sample._lab_issue_report_version()
        self._send_report_ready()

    def action_deliver(self):
        self.check_access("write")
        self.write(
            {"state": "delivered", "delivered_date": fields.Date.context_today(self)}
        )

    def action_cancel(self):
        self.check_access("write")
        self.write({"state": "cancelled"})

    def action_create_sale_order(self):
        self.check_access("write")
        self.ensure_one()
        self._ensure_sale_order()
        return self.action_view_sale_order()

    def action_view_sale_order(self):
        self.check_access("write")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.sale_order_id.id,
            "view_mode": "form",
        }

    def action_override_prepaid(self):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_manager")
        self.check_access("write")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start Testing Before Payment"),
            "res_model": "lab.sample.override.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sample_id": self.id},
        }

    def action_amend_report(self):
        return self._lab_open_report_change("amend")

    def action_withdraw_report(self):
        return self._lab_open_report_change("withdraw")

    def _lab_open_report_change(self, kind):
        self.env["res.users"]._lab_check_groups("lab_crm.group_lab_crm_user")
        self.check_access("write")
        self.ensure_one()
        self.sudo()._lab_check_report_changeable()
        return {
            "type": "ir.actions.act_window",
            "name": (
                self.env._("Amend Report")
                if kind == "amend"
                else self.env._("Withdraw Report")
            ),
            "res_model": "lab.report.change.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sample_id": self.id, "default_kind": kind},
        }

    # Business methods

    def _is_report_downloadable(self):
        """The customer may download the report: delivered, with its file, and
        not withdrawn."""
        self.ensure_one()
        return (
            self.state == "delivered"
            and bool(self.with_context(bin_size=True).report_file)
            and self.sudo().report_version_id.state != "withdrawn"
        )

    def _lab_issue_report_version(self, reason=False):
        """Create the next report version from the sample's report number, date
        and file (stamped); the version it follows is superseded by it."""
        self.ensure_one()
        sample = self.sudo()
        previous = sample.report_version_id
        version = (
            self.env["lab.report.version"]
            .sudo()
            .create(
                {
                    "name": sample.report_number,
                    "company_id": sample.company_id.id,
                    "partner_id": sample.partner_id.id,
                    "sample_id": sample.id,
                    "version": previous.version + 1,
                    "report_date": fields.Date.context_today(sample)
                    if previous
                    else sample.report_date,
                    "supersedes_id": previous.id,
                }
            )
        )
        if previous:
            previous.write(
                {
                    "state": "superseded",
                    "superseded_by_id": version.id,
                    "reason": reason,
                }
            )
        sample.invalidate_recordset(["report_version_id"])
        sample._lab_stamp_current_report()
        return version

    def _lab_stamp_current_report(self):
        """Stamp the sample's report file for its current version: the stamped
        file becomes the sample's (the one delivered)."""
        sample = self.sudo().with_context(bin_size=False)
        version = sample.report_version_id
        if not sample.report_file:
            return
        pdf = base64.b64decode(sample.report_file)
        if version.sha256 == sha256_hex(pdf):
            return  # stamped already
        stamped = version._lab_attach_file(pdf, sample.report_filename)
        sample.with_context(
            lab_report_version_sync=True
        ).report_file = base64.b64encode(stamped)

    def _lab_check_report_changeable(self):
        """Refuse to amend or withdraw a report that is not delivered, or whose
        current version is withdrawn."""
        self.ensure_one()
        version = self.report_version_id
        if self.state != "delivered" or not version or version.state != "valid":
            raise UserError(
                self.env._(
                    "Only a delivered, valid report can be amended or withdrawn "
                    "(sample %(name)s).",
                    name=self.name,
                )
            )

    def _lab_portal_contact(self, user):
        """``user``'s contact when they are a portal user of the sample's
        customer, else an empty recordset (portal pages read the sample as the
        superuser: the user is given)."""
        self.ensure_one()
        if not user.share or user._is_public():
            return self.env["res.partner"]
        customer = self.sudo().partner_id.commercial_partner_id
        return (
            user.partner_id
            if user.commercial_partner_id == customer
            else (self.env["res.partner"])
        )

    def _lab_record_portal_event(self, event, user):
        """Record that ``user``, a contact of the customer, ``event`` (viewed,
        downloaded, acknowledged) the delivered current report."""
        self.ensure_one()
        version = self.sudo().report_version_id
        contact = self._lab_portal_contact(user)
        if not contact or self.state != "delivered" or version.state != "valid":
            return self.env["lab.report.delivery"]
        return self.env["lab.report.delivery"]._lab_record(
            version, contact, event, user=user
        )

    def _lab_portal_report_values(self, user):
        """The portal sample page's report versions: each version with its
        status and acknowledgement, and whether ``user`` may acknowledge."""
        self.ensure_one()
        versions = self.sudo().report_version_ids
        acknowledged = {
            delivery.version_id: delivery
            for delivery in versions.delivery_ids.filtered(
                lambda d: d.event == "acknowledged"
            )
        }
        current = self.sudo().report_version_id
        contact = self._lab_portal_contact(user)
        can_acknowledge = bool(
            contact
            and self.state == "delivered"
            and current.state == "valid"
            and not current.delivery_ids.filtered(
                lambda d: d.event == "acknowledged" and d.partner_id == contact
            )
        )
        return {
            "report_versions": versions
            if self.state == "delivered"
            else versions.browse(),
            "report_acknowledgements": acknowledged,
            "report_can_acknowledge": can_acknowledge,
        }

    def _lab_report_recipients(self):
        """The contacts the sample's reports are sent to: its contact (or the
        customer), and the customer's contacts who receive reports."""
        self.ensure_one()
        sample = self.sudo()
        customer = sample.partner_id.commercial_partner_id
        receivers = customer.child_ids.filtered("lab_receives_reports")
        return (sample.contact_id or sample.partner_id) | receivers

    def _ensure_sale_order(self):
        """The sale order of the sample, created from its accepted test items."""
        self.ensure_one()
        if self.sale_order_id:
            return self.sale_order_id
        accepted = self.line_ids.filtered(lambda line: not line.is_rejected)
        if not accepted:
            raise UserError(
                self.env._(
                    "Sample %(name)s has no accepted test item to quote.",
                    name=self.name,
                )
            )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "user_id": self.user_id.id,
                "client_order_ref": self.name,
                "fapiao_type": self.fapiao_type,
                # Beyond the contract, the order is priced and paid normally.
                "service_contract_id": self._lab_pricing_contract().id,
                "order_line": [
                    fields.Command.create(line._sale_order_line_values())
                    for line in accepted
                ],
            }
        )
        self.sale_order_id = order
        return order

    def _ensure_confirmed_sale_order(self):
        order = self._ensure_sale_order()
        if order.state in ("draft", "sent"):
            order.action_confirm()
        return order

    def _lab_applicable_contract(self):
        """The sample's contract if it applies on the day the sample was received
        (running, within its dates)."""
        self.ensure_one()
        contract = self.service_contract_id
        day = self.received_datetime and self._received_local_date()
        return contract if contract and contract._applies_on(day) else contract.browse()

    def _lab_pricing_contract(self):
        """The contract whose prices the sample takes: the applicable contract,
        unless the sample is beyond the tests it includes."""
        self.ensure_one()
        return (
            self.service_contract_id.browse()
            if self.is_beyond_contract
            else self._lab_applicable_contract()
        )

    def _send_report_ready(self):
        """Tell the customer contacts the report is ready (the e-mail is queued,
        with the contacts' CC addresses) and record the sending."""
        template = self.env.ref("lab_crm.mail_template_sample_report_ready")
        for sample in self:
            recipients = sample._lab_report_recipients().filtered("email")
            if not recipients:
                continue
            message = sample.with_context(
                mail_notify_force_send=False
            ).message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipients.ids,
            )
            version = sample.sudo().report_version_id
            if version:
                self.env["lab.report.delivery"]._lab_record(
                    version, recipients, "sent", message=message
                )
            recipients._lab_queue_report_cc(message)

    # Accreditation scope (CMA / CNAS)

    def _lab_own_lines(self):
        """The test items the laboratory itself reports on: accepted, not
        subcontracted."""
        self.ensure_one()
        return self.line_ids.filtered(
            lambda line: not line.is_rejected and not line.is_subcontracted
        )

    def _lab_report_scope(self):
        """What the sample's report says of its accreditation scope:

        - ``marks``: the accreditations it claims, as ``{"code", "name",
          "number"}`` dicts (public information, read as the system: the
          verification page has no user);
        - ``outside``: its accepted test items (``lab.sample.line``, in the
          caller's environment) that no claimed mark covers: all of them when
          the report claims none, and the subcontracted ones always. Rejected
          items are not on the report.
        """
        self.ensure_one()
        sample = self.sudo()
        claimed = sample.accreditation_ids
        outside = sample.line_ids.filtered(
            lambda line: (
                not line.is_rejected
                and (line.is_subcontracted or not line.accreditation_ids & claimed)
            )
        )
        return {
            "marks": [
                {"code": mark.code, "name": mark.name, "number": mark.number}
                for mark in claimed
            ],
            "outside": self.env["lab.sample.line"].browse(outside.ids),
        }
