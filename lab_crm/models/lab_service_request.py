from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import html2plaintext
from odoo.tools.translate import LazyTranslate

from .lab_complaint import CHANNELS

_lt = LazyTranslate(__name__)

REQUEST_STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("answered", "Answered"),
    ("closed", "Closed"),
]
OPEN_STATES = ("new", "in_progress")


class LabServiceRequest(models.Model):
    _name = "lab.service.request"
    _description = "Customer Service Request"
    _inherit = ["lab.customer.document"]
    _order = "requested_datetime desc, id desc"
    _lab_document_kind = _lt("Service request")
    # What the request became is its customer's too (the fields are read-only
    # in the form, not over RPC).
    _lab_customer_links = ("contact_id", "sample_id", "sale_order_id", "complaint_id")
    # The moves a request may make; anything else is refused. An answer the
    # customer is not satisfied with sends the request back to work; a closed
    # request stays closed (the next question is a new request).
    _lab_allowed_moves = {
        "new": {"in_progress", "answered"},
        "in_progress": {"answered"},
        "answered": {"closed", "in_progress"},
        "closed": set(),
    }

    summary = fields.Char(required=True, tracking=True)
    description = fields.Html()
    contact_id = fields.Many2one(
        "res.partner",
        tracking=True,
        domain="[('parent_id', '=', partner_id)]",
    )
    type_id = fields.Many2one(
        "lab.service.request.type",
        required=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
    )
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    requested_datetime = fields.Datetime(
        string="Requested on", required=True, default=fields.Datetime.now
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Routed by type to the customer's customer-service manager or "
        "technical advisor, else to its account manager.",
    )
    state = fields.Selection(
        REQUEST_STATES,
        string="Status",
        required=True,
        default="new",
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,  # kanban columns in workflow order, empty ones too
    )
    answer = fields.Html(copy=False, help="What the customer was told.")

    # Deadlines and measured times
    response_deadline = fields.Datetime(
        string="First Response Due",
        compute="_compute_deadlines",
        store=True,
        readonly=False,
        copy=False,
        help="The request time plus the first-response hours of its type; may be "
        "changed.",
    )
    resolution_deadline = fields.Datetime(
        string="Resolution Due",
        compute="_compute_deadlines",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        help="The request time plus the resolution days of its type; may be changed.",
    )
    response_datetime = fields.Datetime(
        string="First Response on", readonly=True, copy=False
    )
    answered_datetime = fields.Datetime(string="Answered on", readonly=True, copy=False)
    closed_datetime = fields.Datetime(string="Closed on", readonly=True, copy=False)
    response_hours = fields.Float(
        string="Response Time (hours)",
        compute="_compute_measured_times",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    resolution_hours = fields.Float(
        string="Resolution Time (hours)",
        compute="_compute_measured_times",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    is_response_late = fields.Boolean(
        string="Response Late", compute="_compute_measured_times", store=True
    )
    is_resolution_late = fields.Boolean(
        string="Resolution Late", compute="_compute_measured_times", store=True
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Still unanswered after its first-response or resolution deadline.",
    )
    overdue_notified = fields.Boolean(
        readonly=True, copy=False, help="The overdue activity was already given."
    )

    # What the request became
    sample_id = fields.Many2one(
        "lab.sample", readonly=True, copy=False, check_company=True, tracking=True
    )
    sale_order_id = fields.Many2one(
        "sale.order", readonly=True, copy=False, check_company=True, tracking=True
    )
    complaint_id = fields.Many2one(
        "lab.complaint", readonly=True, copy=False, check_company=True, tracking=True
    )

    _name_company_uniq = models.Constraint(
        "UNIQUE (company_id, name)",
        "This service request reference is already used in this company.",
    )
    # A deadline changed by hand may fall at the very time of the request (an
    # answer due at once), not before it.
    _response_deadline_check = models.Constraint(
        "CHECK (response_deadline IS NULL OR response_deadline >= requested_datetime)",
        "A service request's first-response deadline cannot be before the request.",
    )
    _resolution_deadline_check = models.Constraint(
        "CHECK (resolution_deadline IS NULL "
        "OR resolution_deadline >= requested_datetime)",
        "A service request's resolution deadline cannot be before the request.",
    )

    @api.depends("type_id")
    def _compute_user_id(self):
        return super()._compute_user_id()  # routed by type: _lab_team_roles

    @api.depends("requested_datetime", "type_id")
    def _compute_deadlines(self):
        for request in self:
            requested, kind = request.requested_datetime, request.type_id
            if not (requested and kind):
                request.response_deadline = request.resolution_deadline = False
                continue
            request.response_deadline = requested + timedelta(hours=kind.response_hours)
            request.resolution_deadline = requested + timedelta(
                days=kind.resolution_days
            )

    @api.depends(
        "requested_datetime",
        "response_datetime",
        "answered_datetime",
        "response_deadline",
        "resolution_deadline",
    )
    def _compute_measured_times(self):
        def hours(start, end):
            return (end - start).total_seconds() / 3600 if start and end else 0.0

        for request in self:
            requested = request.requested_datetime
            responded, answered = request.response_datetime, request.answered_datetime
            request.response_hours = hours(requested, responded)
            request.resolution_hours = hours(requested, answered)
            request.is_response_late = bool(
                responded
                and request.response_deadline
                and responded > request.response_deadline
            )
            request.is_resolution_late = bool(
                answered
                and request.resolution_deadline
                and answered > request.resolution_deadline
            )

    @api.depends("state", "response_deadline", "resolution_deadline")
    def _compute_is_overdue(self):
        now = fields.Datetime.now()
        for request in self:
            response_due, resolution_due = (
                request.response_deadline,
                request.resolution_deadline,
            )
            request.is_overdue = bool(
                (request.state == "new" and response_due and response_due < now)
                or (
                    request.state in OPEN_STATES
                    and resolution_due
                    and resolution_due < now
                )
            )

    def _lab_reference_sequence(self, company):
        return company._lab_service_request_sequence()

    def _lab_team_roles(self):
        role = self.type_id.responsible_role
        return (f"{role}_id", "user_id") if role else ("user_id",)

    def _lab_overdue_domain(self):
        now = fields.Datetime.now()
        return (Domain("state", "=", "new") & Domain("response_deadline", "<", now)) | (
            Domain("state", "in", OPEN_STATES) & Domain("resolution_deadline", "<", now)
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._lab_check_responsible_create(vals_list)
        requests = super().create(vals_list)
        for request in requests.filtered(lambda r: r.state != "new"):
            # Created directly in a later state (imports): the times it implies.
            request.write(request._state_time_values(request.state))
        return requests

    def write(self, vals):
        self.check_access("write")  # before the workflow's own refusals
        self._lab_check_responsible_write(vals)
        if "state" not in vals:
            return super().write(vals)
        for request in self:
            request._check_move(request.state, vals["state"])
        if len(self) > 1:
            for request in self:
                request.write(vals)
            return True
        return super().write({**self._state_time_values(vals["state"]), **vals})

    def _state_time_values(self, state):
        """The times that reaching ``state`` records, the first time only."""
        self.ensure_one()
        now = fields.Datetime.now()
        values = {}
        if state != "new" and not self.response_datetime:
            values["response_datetime"] = now
        if state in ("answered", "closed") and not self.answered_datetime:
            values["answered_datetime"] = now
        if state == "in_progress" and self.answered_datetime:
            # Sent back to work: the earlier answer did not resolve it.
            values["answered_datetime"] = False
        if state == "closed":
            values["closed_datetime"] = now
        return values

    # Actions

    def action_start(self):
        self.check_access("write")
        self.write({"state": "in_progress"})

    def action_answer(self):
        self.check_access("write")
        self.write({"state": "answered"})

    def action_close(self):
        self.check_access("write")
        self.write({"state": "closed"})

    def action_reopen(self):
        self.check_access("write")
        self.write({"state": "in_progress"})

    def action_create_sample(self):
        """The customer submits a sample for the request (e.g. a re-test)."""
        self.check_access("write")
        self.ensure_one()
        if not self.sample_id:
            sample = self.env["lab.sample"].create(
                {
                    "partner_id": self.partner_id.id,
                    "contact_id": self.contact_id.id,
                    "company_id": self.company_id.id,
                    "sample_name": self.summary,
                    "description": html2plaintext(self.description or ""),
                }
            )
            self._link_result("sample_id", sample)
        return self._open(self.sample_id)

    def action_create_sale_order(self):
        """A quotation for the request (quotation, training, consulting...)."""
        self.check_access("write")
        self.ensure_one()
        if not self.sale_order_id:
            # The person handling the request is the salesperson of the quotation
            # (a salesperson only sees their own quotations).
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "user_id": self.env.user.id,
                    "origin": self.name,
                }
            )
            self._link_result("sale_order_id", order)
        return self._open(self.sale_order_id)

    def action_create_complaint(self):
        """The request turns out to be a grievance: it becomes a complaint."""
        self.check_access("write")
        self.ensure_one()
        if not self.complaint_id:
            complaint = self.env["lab.complaint"].create(
                {
                    "partner_id": self.partner_id.id,
                    "contact_id": self.contact_id.id,
                    "company_id": self.company_id.id,
                    "summary": self.summary,
                    "description": self.description,
                    "channel": self.channel,
                    "sample_id": self.sample_id.id,
                }
            )
            self._link_result("complaint_id", complaint)
        return self._open(self.complaint_id)

    def action_view_sample(self):
        self.check_access("write")
        self.ensure_one()
        return self._open(self.sample_id)

    def action_view_sale_order(self):
        self.check_access("write")
        self.ensure_one()
        return self._open(self.sale_order_id)

    def action_view_complaint(self):
        self.check_access("write")
        self.ensure_one()
        return self._open(self.complaint_id)

    # Business methods

    def _link_result(self, fname, record):
        """Keep the link both ways: the request points to ``record``, whose
        chatter says where it came from; a new request is now being handled."""
        self[fname] = record
        record.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": record, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        if self.state == "new":
            self.action_start()

    def _open(self, record):
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "view_mode": "form",
        }

    @api.model
    def _cron_notify_overdue(self):
        """One activity for the responsible person on each overdue request."""
        overdue = self.search(
            [("is_overdue", "=", True), ("overdue_notified", "=", False)]
        )
        for request in overdue:
            due = (
                request.response_deadline
                if request.state == "new"
                else request.resolution_deadline
            )
            request._lab_schedule_daily_activity(
                "lab_crm.mail_activity_type_service_request_overdue",
                request._lab_overdue_summary(
                    fields.Datetime.context_timestamp(request, due).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                ),
                request.user_id or request.create_uid,
            )
        overdue.overdue_notified = True
