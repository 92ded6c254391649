from odoo import api, fields, models
from odoo.exceptions import AccessError


class LabCustomerDocument(models.AbstractModel):
    """What the laboratory's documents about a customer share (samples,
    complaints, service requests, service contracts): a reference from the
    company's own sequence, the company, the customer, a chatter and activities.
    A model names its sequence in ``_lab_reference_sequence``."""

    _name = "lab.customer.document"
    _description = "Laboratory Customer Document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

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

    def _lab_reference_sequence(self, company):
        """The ``ir.sequence`` of ``company`` that numbers these documents."""
        raise NotImplementedError

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

    @api.model
    def _lab_check_groups(self, groups):
        """Refuse a button's method to a user outside ``groups`` (the button's
        ``groups=``: comma-separated xml ids, any one of which suffices).

        A method a button calls can also be called over RPC by anyone who may
        read the record, customers in the portal included: the check the view
        makes on the button is made here again, before anything is done.
        Any model may call it: ``self.env["lab.customer.document"]``.
        """
        if self.env.su or self.env.user.has_groups(groups):
            return
        names = [
            self.env.ref(xmlid.strip()).sudo().full_name for xmlid in groups.split(",")
        ]
        raise AccessError(
            self.env._(
                "Only these users may do this: %(groups)s.",
                groups=", ".join(names),
            )
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
