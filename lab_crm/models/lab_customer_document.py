from odoo import api, fields, models


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
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self._lab_reference_sequence(company).next_by_id()
        return super().create(vals_list)
