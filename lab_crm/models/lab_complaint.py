from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

COMPLAINT_STATES = [
    ("review", "To Review"),
    ("new", "New"),
    ("investigating", "Investigating"),
    ("action", "Action"),
    ("awaiting_customer", "Awaiting Customer"),
    ("closed", "Closed"),
    ("rejected", "Rejected"),
]
OPEN_STATES = ("new", "investigating", "action", "awaiting_customer")
# An e-mail from an unknown sender waits here, with no customer, for staff to
# assign it (or reject it): not a complaint of anyone yet, counted nowhere.
REVIEW_STATE = "review"

CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("visit", "Visit"),
    ("letter", "Letter"),
    ("portal", "Portal"),
    ("wechat", "WeChat"),
    ("other", "Other"),
]
CATEGORIES = [
    ("data_accuracy", "Data accuracy"),
    ("delay", "Delay"),
    ("staff_attitude", "Staff attitude"),
    ("technical_competence", "Technical competence"),
    ("fees", "Fees"),
    ("report_error", "Report error"),
    ("sample_handling", "Sample handling"),
    ("other", "Other"),
]
SEVERITIES = [("minor", "Minor"), ("major", "Major"), ("critical", "Critical")]


class LabComplaint(models.Model):
    _name = "lab.complaint"
    _description = "Customer Complaint"
    _inherit = ["lab.customer.document", "portal.mixin"]
    _order = "received_date desc, id desc"
    _mail_post_access = "read"  # the customer follows it up in the portal chatter
    _lab_document_kind = _lt("Complaint")
    _lab_responsible_roles = ("service_manager_id", "user_id")
    _lab_customer_links = ("contact_id", "sample_id", "invoice_id")
    # The moves a complaint may make; anything else is refused. A closed complaint
    # stays closed (the customer's next grievance is a new complaint); a rejected
    # one may be reopened.
    _lab_allowed_moves = {
        "review": {"new", "rejected"},
        "new": {"investigating", "rejected"},
        "investigating": {"action", "rejected"},
        "action": {"awaiting_customer", "closed", "investigating"},
        "awaiting_customer": {"closed", "action"},
        "closed": set(),
        "rejected": {"new"},
    }

    summary = fields.Char(required=True, tracking=True)
    description = fields.Html()
    contact_id = fields.Many2one(
        "res.partner",
        tracking=True,
        domain="[('parent_id', '=', partner_id)]",
    )
    sample_id = fields.Many2one(
        "lab.sample",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    report_number = fields.Char(
        compute="_compute_report_number",
        store=True,
        readonly=False,
        help="The report complained about; taken from the sample, may be changed.",
    )
    channel = fields.Selection(
        CHANNELS, required=True, default="phone", groups="base.group_user"
    )
    category = fields.Selection(CATEGORIES, tracking=True)
    severity = fields.Selection(
        SEVERITIES,
        required=True,
        default="minor",
        tracking=True,
        groups="base.group_user",
    )
    received_date = fields.Date(
        string="Received", required=True, default=fields.Date.context_today
    )
    deadline = fields.Date(
        compute="_compute_deadline",
        store=True,
        readonly=False,
        tracking=True,
        help="The received date plus the days allowed for its severity "
        "(Settings); may be changed.",
        groups="base.group_user",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The customer's customer-service manager, else its account manager.",
    )
    state = fields.Selection(
        COMPLAINT_STATES,
        string="Status",
        required=True,
        default="new",
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,  # kanban columns in workflow order, empty ones too
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_is_overdue",
        search="_search_is_overdue",
        help="Still open after its deadline.",
        groups="base.group_user",
    )
    overdue_notice_date = fields.Date(
        readonly=True,
        copy=False,
        help="The deadline for which the overdue activities were already given.",
        groups="base.group_user",
    )
    close_date = fields.Date(
        string="Closed on", readonly=True, copy=False, groups="base.group_user"
    )
    days_to_close = fields.Integer(
        string="Days to Close",
        compute="_compute_days_to_close",
        store=True,
        aggregator="avg",
        help="Calendar days from reception to closing (0 until closed).",
        groups="base.group_user",
    )
    is_typical_case = fields.Boolean(
        string="Typical Case",
        tracking=True,
        help="Worth studying: shown under Typical Cases for internal training.",
        groups="base.group_user",
    )
    is_churn_threat = fields.Boolean(
        string="Customer Threatened to Leave",
        tracking=True,
        groups="base.group_user",
    )
    rejection_reason = fields.Text(copy=False, groups="base.group_user")

    # Investigation and actions
    root_cause = fields.Text(
        copy=False,
        help="Why it happened, not only what happened: required to leave the "
        "investigation.",
        groups="base.group_user",
    )
    corrective_action = fields.Text(
        copy=False, help="What fixes this case.", groups="base.group_user"
    )
    preventive_action = fields.Text(
        copy=False,
        help="What keeps it from happening again.",
        groups="base.group_user",
    )
    effectiveness_date = fields.Date(
        string="Effectiveness Checked on", copy=False, groups="base.group_user"
    )
    effectiveness_user_id = fields.Many2one(
        "res.users",
        string="Effectiveness Checked by",
        copy=False,
        domain="[('share', '=', False)]",
        groups="base.group_user",
    )
    effectiveness_result = fields.Text(
        copy=False,
        help="Whether the actions worked; required to close a critical complaint.",
        groups="base.group_user",
    )

    # Result and customer
    result_date = fields.Date(string="Result Communicated on", copy=False)
    result_method = fields.Selection(
        CHANNELS, string="Communicated by", copy=False, groups="base.group_user"
    )
    result_text = fields.Text(string="Result Communicated", copy=False)
    customer_acceptance = fields.Selection(
        [("accepted", "Accepted"), ("not_accepted", "Not accepted")],
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    customer_acceptance_remarks = fields.Text(
        string="Acceptance Remarks", copy=False, groups="base.group_user"
    )

    # Compensation
    currency_id = fields.Many2one(
        related="company_id.currency_id", groups="base.group_user"
    )
    compensation_amount = fields.Monetary(
        copy=False,
        tracking=True,
        help="Amount refunded to the customer. A credit note created from the "
        "invoice credits this amount; empty, it credits the whole invoice.",
        groups="base.group_user",
    )
    invoice_id = fields.Many2one(
        "account.move",
        compute="_compute_invoice_id",
        store=True,
        readonly=False,
        copy=False,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=', partner_id)]",
        groups="base.group_user",
    )
    credit_note_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    # No customer while an e-mail of an unknown sender is reviewed
    # (_check_partner_id): required in every other state. No groups: the field
    # keeps those of lab.customer.document.
    partner_id = fields.Many2one(required=False)
    email_from = fields.Char(
        string="Sender's E-mail",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="The address of the e-mail this complaint came from.",
    )

    _name_company_uniq = models.Constraint(
        "UNIQUE (company_id, name)",
        "This complaint reference is already used in this company.",
    )
    _compensation_amount_positive = models.Constraint(
        "CHECK (compensation_amount IS NULL OR compensation_amount >= 0)",
        "The compensation cannot be negative.",
    )
    # A complaint is answered, checked and closed after it arrives, never before:
    # each date may equal the received date (a complaint settled on the phone).
    _deadline_check = models.Constraint(
        "CHECK (deadline IS NULL OR deadline >= received_date)",
        "A complaint's deadline cannot be before the date it was received.",
    )
    _effectiveness_date_check = models.Constraint(
        "CHECK (effectiveness_date IS NULL OR effectiveness_date >= received_date)",
        "The effectiveness of a complaint's actions cannot be checked before the "
        "complaint was received.",
    )
    _result_date_check = models.Constraint(
        "CHECK (result_date IS NULL OR result_date >= received_date)",
        "A complaint's result cannot be communicated before the complaint was "
        "received.",
    )

    @api.depends("sample_id")
    def _compute_report_number(self):
        for complaint in self:
            complaint.report_number = complaint.sample_id.report_number

    @api.depends("severity", "received_date", "company_id")
    def _compute_deadline(self):
        for complaint in self:
            received = complaint.received_date
            complaint.deadline = received and received + timedelta(
                days=complaint._deadline_days()
            )

    @api.depends("deadline", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for complaint in self:
            complaint.is_overdue = bool(
                complaint.state in OPEN_STATES
                and complaint.deadline
                and complaint.deadline < today
            )

    def _compute_access_url(self):
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    @api.depends("received_date", "close_date")
    def _compute_days_to_close(self):
        for complaint in self:
            closed, received = complaint.close_date, complaint.received_date
            complaint.days_to_close = (closed - received).days if closed else 0

    @api.depends("sample_id")
    def _compute_invoice_id(self):
        """The sample's last posted invoice. Read as superuser: a salesperson who
        may not open a colleague's invoice can still record the complaint."""
        for complaint in self:
            invoices = complaint.sample_id.sudo().sale_order_id.invoice_ids.filtered(
                lambda move: move.state == "posted" and move.move_type == "out_invoice"
            )
            complaint.invoice_id = invoices.sorted("id")[-1:].sudo(False)

    @api.constrains("partner_id", "state")
    def _check_partner_id(self):
        for complaint in self:
            if not complaint.partner_id and complaint.state not in (
                REVIEW_STATE,
                "rejected",
            ):
                raise ValidationError(
                    self.env._(
                        "Give the customer of complaint %(name)s.",
                        name=complaint.name,
                    )
                )

    def _lab_reference_sequence(self, company):
        return company._lab_complaint_sequence()

    def _lab_overdue_domain(self):
        return Domain("state", "in", OPEN_STATES) & Domain(
            "deadline", "<", fields.Date.context_today(self)
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._lab_check_responsible_create(vals_list)
        for vals in vals_list:
            if vals.get("state") == "closed":
                vals.setdefault("close_date", fields.Date.context_today(self))
        complaints = super().create(vals_list)
        for complaint in complaints.filtered(
            lambda c: c.state not in ("new", REVIEW_STATE)
        ):
            # Created directly in a later state (imports): what that state needs
            # must be there.
            complaint._check_requirements(complaint.state)
        return complaints

    def write(self, vals):
        self.check_access("write")  # before the workflow's own refusals
        self._lab_check_responsible_write(vals)
        if "state" in vals:
            for complaint in self:
                complaint._check_move(complaint.state, vals["state"], vals)
            if vals["state"] == "closed" and "close_date" not in vals:
                vals = {**vals, "close_date": fields.Date.context_today(self)}
        return super().write(vals)

    def _check_move_requirements(self, old, new, vals):
        self._check_requirements(new, vals)

    def _check_requirements(self, state, vals=None):
        """Refuse ``state`` while what it needs is missing (``vals``, being
        written, count)."""
        self.ensure_one()
        vals = vals or {}

        def value(field):
            return vals[field] if field in vals else self[field]

        # Field -> label, as a dict: Odoo's term extractor mistakes a tuple that
        # follows a _() call for another _() call.
        needed = {}
        if state in ("action", "awaiting_customer", "closed"):
            needed["root_cause"] = self.env._("the root cause")
        if state == "closed":
            needed.update(
                {
                    "corrective_action": self.env._("the corrective action"),
                    "preventive_action": self.env._("the preventive action"),
                }
            )
            if value("severity") == "critical":
                needed.update(
                    {
                        "effectiveness_date": self.env._(
                            "the date of the effectiveness check"
                        ),
                        "effectiveness_user_id": self.env._(
                            "who checked effectiveness"
                        ),
                        "effectiveness_result": self.env._(
                            "the result of the effectiveness check"
                        ),
                    }
                )
            needed.update(
                {
                    "result_date": self.env._(
                        "the date the result was communicated to the customer"
                    ),
                    "result_method": self.env._("how the result was communicated"),
                    "result_text": self.env._("the result communicated"),
                }
            )
        if state == "rejected":
            needed["rejection_reason"] = self.env._("the rejection reason")
        missing = [label for field, label in needed.items() if not value(field)]
        if missing:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "Give %(missing)s of complaint %(name)s before moving it to "
                    "%(state)s.",
                    missing=", ".join(missing),
                    name=self.name,
                    state=labels[state],
                )
            )

    # Mail gateway

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint from an e-mail to the complaints alias.

        A known sender (an existing contact) is the contact and its company the
        customer. An unknown sender creates no contact and no complaint against
        anyone: the complaint waits "To Review", with no customer and the
        sender's address, for staff to assign it to the right customer (or
        reject it). Anyone may write to the alias, with any sender address.
        """
        self.check_access("create")
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        summary = msg_dict.get("subject") or self.env._("(no subject)")
        if not author:
            values = {
                "name": self.env._("New"),
                "summary": summary,
                "description": msg_dict.get("body"),
                "channel": "email",
                "state": REVIEW_STATE,
                "partner_id": False,
                "email_from": msg_dict.get("email_from"),
                "company_id": self.env.company.id,
                **(custom_values or {}),
            }
            return super().message_new(msg_dict, custom_values=values)
        customer = author.commercial_partner_id
        values = {
            "name": self.env._("New"),
            "summary": summary,
            "description": msg_dict.get("body"),
            "channel": "email",
            "partner_id": customer.id,
            "contact_id": author.id if author != customer else False,
            "email_from": msg_dict.get("email_from"),
            "company_id": customer.company_id.id or self.env.company.id,
            **(custom_values or {}),
        }
        return super().message_new(msg_dict, custom_values=values)

    # Actions

    def action_accept_review(self):
        """The reviewed e-mail is a complaint of the customer now given."""
        self.check_access("write")
        self.write({"state": "new"})

    def action_investigate(self):
        self.check_access("write")
        self.write({"state": "investigating"})

    def action_take_action(self):
        self.check_access("write")
        self.write({"state": "action"})

    def action_await_customer(self):
        self.check_access("write")
        self.write({"state": "awaiting_customer"})

    def action_close(self):
        self.check_access("write")
        self.write({"state": "closed"})

    def action_reject(self):
        self.check_access("write")
        self.write({"state": "rejected"})

    def action_back_to_investigation(self):
        self.check_access("write")
        self.write({"state": "investigating"})

    def action_back_to_action(self):
        self.check_access("write")
        self.write({"state": "action"})

    def action_reopen(self):
        self.check_access("write")
        self.write({"state": "new"})

    def action_create_credit_note(self):
        """A draft credit note reversing the invoice, for the compensation amount.

        Odoo's reversal wizard makes the credit note, so it has the invoice's
        journal, lines, accounts and taxes. With a compensation amount the lines
        are scaled down in proportion, so that the credit note totals that
        amount (percentage taxes follow their base; a rounding cent, if any, is
        for the accountant to adjust in the draft). Without one, the whole
        invoice is credited.
        """
        self.env["res.users"]._lab_check_groups("account.group_account_invoice")
        self.check_access("write")
        self.ensure_one()
        invoice = self.invoice_id
        if self.credit_note_id:
            raise UserError(
                self.env._(
                    "Complaint %(name)s already has its credit note %(note)s.",
                    name=self.name,
                    note=self.credit_note_id.display_name,
                )
            )
        if not invoice:
            raise UserError(
                self.env._(
                    "Choose the invoice of complaint %(name)s to credit.",
                    name=self.name,
                )
            )
        amount = self.compensation_amount
        if invoice.currency_id.compare_amounts(amount, invoice.amount_total) > 0:
            raise UserError(
                self.env._(
                    "The compensation (%(amount)s) exceeds invoice %(invoice)s "
                    "(%(total)s).",
                    amount=amount,
                    invoice=invoice.name,
                    total=invoice.amount_total,
                )
            )
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "reason": self.env._("Complaint %(name)s", name=self.name),
                    "journal_id": invoice.journal_id.id,
                }
            )
        )
        action = reversal.refund_moves()
        credit_note = reversal.new_move_ids
        if amount and invoice.amount_total:
            ratio = amount / invoice.amount_total
            credit_note.write(
                {
                    "invoice_line_ids": [
                        fields.Command.update(
                            line.id, {"price_unit": line.price_unit * ratio}
                        )
                        for line in credit_note.invoice_line_ids
                        if line.display_type == "product"
                    ]
                }
            )
        self.credit_note_id = credit_note
        return action

    def action_view_credit_note(self):
        self.check_access("write")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.credit_note_id.id,
            "view_mode": "form",
        }

    # Business methods

    def _deadline_days(self):
        """Days to handle the complaint, from its severity (the Settings of its
        company)."""
        self.ensure_one()
        company = (self.company_id or self.env.company).sudo()
        return company[f"lab_complaint_days_{self.severity or 'minor'}"]

    @api.model
    def _cron_notify_overdue(self):
        """Give the responsible person and the complaints manager(s) an activity
        on each overdue complaint, once per deadline: a complaint whose deadline
        is moved is noticed again if it passes the new one."""
        overdue = self.search([("is_overdue", "=", True)]).filtered(
            lambda complaint: complaint.overdue_notice_date != complaint.deadline
        )
        if not overdue:
            return
        # The complaints manager set in Settings, else every Lab CRM manager.
        managers = overdue.company_id._lab_setting_users("lab_complaint_manager_id")
        for complaint in overdue:
            complaint._lab_schedule_daily_activity(
                "lab_crm.mail_activity_type_complaint_overdue",
                complaint._lab_overdue_summary(complaint.deadline),
                complaint.user_id | managers[complaint.company_id],
            )
            complaint.overdue_notice_date = complaint.deadline
