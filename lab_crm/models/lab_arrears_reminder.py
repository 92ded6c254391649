from odoo import Command, api, fields, models
from odoo.exceptions import UserError

REMINDER_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("cancelled", "Cancelled"),
]


class LabArrearsReminder(models.Model):
    """A payment reminder (催款) to one customer: its overdue items on a date and
    the level of the reminder ladder, which decides the e-mail.

    ``_propose_reminders`` proposes drafts for all customers of a company at once;
    an accountant reviews them and sends them. Sent reminders are the customer's
    reminder history: a level sent (or deliberately cancelled) for the customer's
    oldest overdue invoice is not proposed again for that invoice.
    """

    _name = "lab.arrears.reminder"
    _description = "Payment Reminder"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Send To",
        compute="_compute_contact_id",
        store=True,
        readonly=False,
        domain="[('id', 'child_of', partner_id)]",
        help="The contact who receives the e-mail: the customer's invoice address "
        "unless you choose another one.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    level_id = fields.Many2one(
        "lab.arrears.reminder.level",
        required=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The day the overdue items were read.",
    )
    state = fields.Selection(
        REMINDER_STATES, default="draft", required=True, copy=False, tracking=True
    )
    line_ids = fields.One2many(
        "lab.arrears.reminder.line", "reminder_id", string="Overdue Items", copy=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_overdue = fields.Monetary(compute="_compute_overdue_figures", store=True)
    max_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_overdue_figures", store=True
    )
    oldest_move_id = fields.Many2one(
        "account.move",
        string="Oldest Overdue Invoice",
        compute="_compute_overdue_figures",
        store=True,
        index="btree_not_null",
    )
    sent_user_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, copy=False, tracking=True
    )
    sent_date = fields.Datetime(string="Sent on", readonly=True, copy=False)

    @api.depends("level_id.name", "partner_id.name")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = " - ".join(
                name
                for name in (reminder.level_id.name, reminder.partner_id.name)
                if name
            )

    @api.depends("partner_id")
    def _compute_contact_id(self):
        """The customer's invoice address, for all reminders in one query."""
        customers = self.partner_id
        invoice_contacts = {}
        for contact in self.env["res.partner"].search_fetch(
            [("parent_id", "in", customers.ids), ("type", "=", "invoice")],
            ["parent_id"],
            order="id",
        ):
            invoice_contacts.setdefault(contact.parent_id, contact)
        for reminder in self:
            reminder.contact_id = invoice_contacts.get(
                reminder.partner_id, reminder.partner_id
            )

    @api.depends("line_ids.amount_residual", "line_ids.days_overdue")
    def _compute_overdue_figures(self):
        for reminder in self:
            lines = reminder.line_ids
            owed = lines.filtered(lambda line: line.amount_residual > 0)
            # Lines are in due-date order: the first most overdue is the oldest.
            oldest = max(owed, key=lambda line: line.days_overdue, default=owed)
            reminder.amount_overdue = sum(lines.mapped("amount_residual"))
            reminder.max_days_overdue = oldest.days_overdue
            reminder.oldest_move_id = oldest.move_id

    @api.constrains("partner_id", "contact_id")
    def _check_contact_id(self):
        """The reminder goes to one of the customer's own contacts, and states
        the customer's own invoices."""
        Document = self.env["lab.customer.document"]
        for reminder in self:
            Document._lab_check_contact(
                reminder.contact_id, reminder.partner_id.commercial_partner_id
            )
        self.line_ids._check_move_id()

    def _mail_get_partner_fields(self, introspect_fields=False):
        return ["contact_id"]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        if any(reminder.state == "sent" for reminder in self):
            raise UserError(
                self.env._(
                    "A sent reminder is part of the customer's history: it cannot "
                    "be deleted."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_propose_reminders(self):
        """Propose the reminders of the current company and say how many (a list
        button shown with or without a selection, which it ignores)."""
        self.check_access("create")
        reminders = self._propose_reminders()
        if reminders:
            message = self.env._(
                "Reminders to review: %(count)s, for %(amount)s overdue.",
                count=len(reminders),
                amount=self.env.company.currency_id.format(
                    sum(reminders.mapped("amount_overdue"))
                ),
            )
        else:
            message = self.env._("No customer needs a new reminder.")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if reminders else "info",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_send(self):
        """E-mail the reminders with their level's template (queued, not sent
        here), mark them sent and log them on the customers."""
        self.check_access("write")
        if any(reminder.state != "draft" for reminder in self):
            raise UserError(self.env._("Only draft reminders can be sent."))
        no_email = self.filtered(lambda reminder: not reminder.contact_id.email)
        if no_email:
            raise UserError(
                self.env._(
                    "These reminders have no e-mail address to send to; set one on "
                    "the contact or choose another contact:\n%(reminders)s",
                    reminders="\n".join(no_email.mapped("display_name")),
                )
            )
        queued = self.with_context(mail_notify_force_send=False)
        for level, reminders in queued.grouped("level_id").items():
            reminders.message_post_with_source(
                level.mail_template_id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.write(
            {
                "state": "sent",
                "sent_user_id": self.env.user.id,
                "sent_date": fields.Datetime.now(),
            }
        )
        # Accountants only read customers: the log on the customer's chatter is
        # part of sending, not a change they make to the customer.
        for reminder in self:
            reminder.partner_id.sudo().message_post(
                body=self.env._(
                    "Payment reminder %(reminder)s sent to %(contact)s: %(count)s "
                    "overdue items, %(amount)s overdue, the oldest %(days)s days.",
                    reminder=reminder._get_html_link(),
                    contact=reminder.contact_id.display_name,
                    count=len(reminder.line_ids),
                    amount=reminder.currency_id.format(reminder.amount_overdue),
                    days=reminder.max_days_overdue,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        self.check_access("write")
        if any(reminder.state != "draft" for reminder in self):
            raise UserError(self.env._("Only draft reminders can be cancelled."))
        self.state = "cancelled"

    def action_draft(self):
        self.check_access("write")
        if any(reminder.state != "cancelled" for reminder in self):
            raise UserError(
                self.env._("Only cancelled reminders can be set back to draft.")
            )
        self.state = "draft"

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _cron_propose_reminders(self):
        """Propose the reminders of every company with overdue items."""
        for [company] in self.env["lab.arrears.line"]._read_group(
            [("days_overdue", ">", 0)], ["company_id"]
        ):
            self.with_company(company)._propose_reminders()

    @api.model
    def _propose_reminders(self):
        """Propose one draft reminder per customer of the current company with
        overdue items, and return the drafts created or brought up to date.

        The level is the highest one whose days the customer's oldest overdue
        invoice has reached, unless a reminder of that level or a higher one was
        already sent (or cancelled) for that same invoice. A customer's existing
        draft is brought up to date rather than duplicated; the drafts of customers
        with nothing overdue any more are cancelled.
        """
        company = self.env.company
        today = fields.Date.context_today(self)
        levels = self.env["lab.arrears.reminder.level"].search(
            [("company_id", "in", [company.id, False])], order="days_overdue, id"
        )
        # One query for the overdue items of all customers, in due-date order. The
        # view is computed on the fly: what an earlier read cached may be stale.
        Item = self.env["lab.arrears.line"]
        Item.invalidate_model()
        items_by_customer = Item.search_fetch(
            [("company_id", "=", company.id), ("days_overdue", ">", 0)],
            ["partner_id", "move_id", "date_due", "days_overdue", "amount_residual"],
        ).grouped("partner_id")

        currency = company.currency_id
        owing = {
            customer: items
            for customer, items in items_by_customer.items()
            if currency.compare_amounts(sum(items.mapped("amount_residual")), 0) > 0
        }
        proposals = self._proposed_levels(owing, levels, company)
        drafts = self.search(
            [("company_id", "=", company.id), ("state", "=", "draft")], order="id"
        ).grouped("partner_id")
        reminders = self._write_proposals(proposals, drafts, today, company)
        self._cancel_settled(
            self.browse().union(
                *(
                    customer_drafts
                    for customer, customer_drafts in drafts.items()
                    if customer not in owing
                )
            )
        )
        return reminders

    def _proposed_levels(self, owing, levels, company):
        """The reminder to propose to each customer of ``owing`` (customer:
        overdue items): {customer: (level, oldest overdue invoice, items)}. The
        level is the highest one the oldest invoice has reached; none where that
        level or a higher one was already sent or cancelled for that invoice."""
        proposals = {}
        for customer, items in owing.items():
            oldest = items.filtered(lambda item: item.amount_residual > 0)[:1]
            reached = levels.filtered(
                lambda level, days=oldest.days_overdue: level.days_overdue <= days
            )
            if reached:
                proposals[customer] = (reached[-1], oldest.move_id, items)

        # The reminders already decided for these oldest invoices.
        decided = {}  # oldest invoice: days of the highest level sent or cancelled
        for reminder in self.search_fetch(
            [
                ("company_id", "=", company.id),
                ("state", "in", ("sent", "cancelled")),
                (
                    "oldest_move_id",
                    "in",
                    [move.id for _l, move, _i in proposals.values()],
                ),
            ],
            ["oldest_move_id", "level_id"],
        ):
            move = reminder.oldest_move_id
            decided[move] = max(decided.get(move, 0), reminder.level_id.days_overdue)
        return {
            customer: (level, oldest_move, items)
            for customer, (level, oldest_move, items) in proposals.items()
            if level.days_overdue > decided.get(oldest_move, 0)
        }

    def _write_proposals(self, proposals, drafts, today, company):
        """Bring each customer's draft (``drafts``: customer: drafts) up to date
        with its proposal, or create one; return the reminders created or
        brought up to date."""
        to_create, updated = [], self.browse()
        for customer, (level, _oldest_move, items) in proposals.items():
            vals = {
                "level_id": level.id,
                "date": today,
                "line_ids": [
                    Command.create(
                        {
                            "move_id": item.move_id.id,
                            "date_due": item.date_due,
                            "days_overdue": item.days_overdue,
                            "amount_residual": item.amount_residual,
                        }
                    )
                    for item in items
                ],
            }
            draft = drafts.get(customer, self.browse())[:1]
            if (
                draft
                and draft.level_id == level
                and self._line_figures(draft.line_ids) == self._line_figures(items)
            ):
                updated |= draft
            elif draft:
                # The lines' figures are the system's (SYSTEM_FIGURES).
                draft.sudo().write(
                    {**vals, "line_ids": [Command.clear(), *vals["line_ids"]]}
                )
                updated |= draft
            else:
                to_create.append(
                    {**vals, "partner_id": customer.id, "company_id": company.id}
                )
        # As the system, for the lines' figures: the caller may create reminders
        # (action_propose_reminders checks it, the cron is the system); sudo()
        # keeps the user as author and creator.
        created = (
            self.sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(to_create)
            .sudo(False)
        )
        return created | updated

    def _cancel_settled(self, settled):
        """Cancel the drafts of customers with nothing overdue any more."""
        if settled:
            settled.action_cancel()
            for reminder in settled:
                reminder.message_post(
                    body=self.env._("Cancelled: nothing is overdue any more."),
                    subtype_xmlid="mail.mt_note",
                )

    @api.model
    def _line_figures(self, lines):
        """What a reminder states of its lines (or of open items): to compare."""
        return [
            (line.move_id, line.date_due, line.days_overdue, line.amount_residual)
            for line in lines
        ]
