from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


class LabCustomerDocument(models.AbstractModel):
    """What the laboratory's documents about a customer share (samples,
    complaints, service requests, service contracts): a reference from the
    company's own sequence, the company, the customer, a chatter and activities;
    the responsible user from the customer's account team; the records linked
    to a document belong to its customer; the workflow's allowed moves; the
    overdue search and the activities of the daily jobs (``lab.activity.mixin``).

    A model declares what is its own:

    - ``_lab_reference_sequence``: the sequence that numbers it;
    - ``_lab_document_kind``: what a user calls one, in messages (a lazy
      translation: ``LazyTranslate``);
    - ``_lab_responsible_roles``: the account-team roles (fields of the
      customer) it is given to, the first one filled (``user_id``: the account
      manager); ``_lab_team_roles`` where they depend on the document;
    - ``_lab_customer_links``: its fields whose records must be the customer's
      (a contact, a sale order...), each checked by ``_lab_check_link``;
    - ``_lab_allowed_moves``: state -> the states it may go to; what a move
      needs besides, in ``_check_move_requirements``;
    - ``_lab_overdue_domain``: the documents overdue now (field ``is_overdue``).
    """

    _name = "lab.customer.document"
    _description = "Laboratory Customer Document"
    _inherit = ["mail.thread", "mail.activity.mixin", "lab.activity.mixin"]
    _check_company_auto = True

    _lab_responsible_roles = ("user_id",)
    _lab_customer_links = ()
    _lab_allowed_moves = {}

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        index=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )

    @api.depends("partner_id")
    def _compute_user_id(self):
        """The member of the customer's account team in the first of the
        document's roles (``_lab_team_roles``) that is filled."""
        for document in self:
            team = document.partner_id.commercial_partner_id
            document.user_id = next(
                (team[role] for role in document._lab_team_roles() if team[role]),
                self.env["res.users"],
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        overdue = self._lab_overdue_domain()
        return overdue if (True in value) == (operator == "in") else ~overdue

    @api.constrains(lambda self: ("partner_id", *self._lab_customer_links))
    def _check_same_customer(self):
        """The records the document links to (``_lab_customer_links``) belong to
        its customer."""
        for document in self:
            customer = document.partner_id.commercial_partner_id
            for fname in document._lab_customer_links:
                document._lab_check_link(fname, document[fname], customer)

    @api.model_create_multi
    def create(self, vals_list):
        # Before the reference is drawn: a refused create must not use up a number.
        self.check_access("create")
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self._lab_reference_sequence(company).next_by_id()
        return super().create(vals_list)

    # What each model declares

    def _lab_reference_sequence(self, company):
        """The ``ir.sequence`` of ``company`` that numbers these documents."""
        raise NotImplementedError

    def _lab_team_roles(self):
        """The account-team roles the document is given to, first filled first."""
        return self._lab_responsible_roles

    def _lab_overdue_domain(self):
        """The documents that are overdue now."""
        raise NotImplementedError

    def _lab_check_link(self, fname, record, customer):
        """Refuse ``record``, the value of ``fname``, if it is not one of
        ``customer``'s: a contact of it, or a document of it (a sale order, a
        sample, an invoice, a complaint...: its ``partner_id``)."""
        if record._name == "res.partner":
            self._lab_check_contact(record, customer)
            return
        record = record.sudo()  # may be a colleague's document
        if record and record.partner_id.commercial_partner_id != customer:
            raise ValidationError(
                self.env._(
                    "%(document)s %(name)s is not one of %(customer)s.",
                    document=self._fields[fname]._description_string(self.env),
                    name=record.display_name,
                    customer=customer.display_name,
                )
            )

    @api.model
    def _lab_check_contact(self, contact, customer):
        """Refuse ``contact`` if it is not a contact of ``customer``. Any model
        may call it: ``self.env["lab.customer.document"]``."""
        if contact and contact.commercial_partner_id != customer:
            raise ValidationError(
                self.env._(
                    "%(contact)s is not a contact of %(customer)s.",
                    contact=contact.display_name,
                    customer=customer.display_name,
                )
            )

    # Business methods

    def _check_move(self, old, new, vals=None):
        """Refuse a move from ``old`` to ``new`` that the workflow does not allow
        (``_lab_allowed_moves``), or whose requirements are missing (``vals``,
        being written, count), with the reason."""
        self.ensure_one()
        if old == new:
            return
        if new not in self._lab_allowed_moves[old]:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(
                self.env._(
                    "%(document)s %(name)s cannot go from %(old)s to %(new)s.",
                    document=self.env._(self._lab_document_kind),
                    name=self.name,
                    old=labels[old],
                    new=labels[new],
                )
            )
        self._check_move_requirements(old, new, vals or {})

    def _check_move_requirements(self, old, new, vals):
        """Refuse an allowed move from ``old`` to ``new`` while what it needs is
        missing (``vals``, being written, count). Nothing here: a model with
        its own conditions overrides it."""

    @api.model
    def _lab_check_responsible_create(self, vals_list):
        """``_lab_check_responsible`` for each document created from
        ``vals_list``."""
        Partner = self.env["res.partner"]
        for vals in vals_list:
            self._lab_check_responsible(vals, Partner.browse(vals.get("partner_id")))

    def _lab_check_responsible_write(self, vals):
        """``_lab_check_responsible`` for ``vals`` written on each document of
        ``self``."""
        if not vals.get("user_id"):
            return
        customer = self.env["res.partner"].browse(vals.get("partner_id"))
        for document in self:
            self._lab_check_responsible(vals, customer or document.partner_id)

    def _lab_overdue_summary(self, due):
        """The summary of the activity saying the document was due on ``due``
        (a date, or a time as text)."""
        return self.env._(
            "%(document)s %(name)s was due on %(date)s",
            document=self.env._(self._lab_document_kind),
            name=self.name,
            date=due,
        )

    @api.model
    def _lab_check_responsible(self, vals, customer):
        """Refuse ``vals`` (to create or write a document of ``customer``) if they
        make responsible someone neither on the customer's account team nor the
        current user, unless the current user works with all customers.

        A Lab CRM user sees the documents assigned to them: handing one to a
        colleague outside the customer's team would show it outside the team.
        """
        user = self.env["res.users"].browse(vals.get("user_id"))
        if (
            not user
            or user == self.env.user
            or self.env.su
            or self.env.user.has_group("lab_crm.group_lab_crm_all")
        ):
            return
        team = customer.sudo().commercial_partner_id
        if user in team.user_id | team.service_manager_id | team.technical_advisor_id:
            return
        raise AccessError(
            self.env._(
                "%(user)s is not on the account team of %(customer)s: only a user "
                "working with all customers may make them responsible.",
                user=user.sudo().name,
                customer=team.name,
            )
        )
