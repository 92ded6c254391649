from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class LabTargetGroup(models.Model):
    _name = "lab.target.group"
    _description = "Target Customer Group"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    customer_domain = fields.Char(
        string="Customers",
        default="[]",
        help="The filter that picks the customers (companies) of this group.",
    )
    description = fields.Text()
    customer_count = fields.Integer(compute="_compute_customer_count")
    has_mass_mailing = fields.Boolean(compute="_compute_has_mass_mailing")

    @api.depends("customer_domain", "company_id")
    @api.depends_context("uid")
    def _compute_customer_count(self):
        # Every group has its own filter: one count per group, as the user sees it.
        Partner = self.env["res.partner"]
        for group in self:
            group.customer_count = Partner.search_count(group._customer_search_domain())

    def _compute_has_mass_mailing(self):
        self.has_mass_mailing = "mailing.list" in self.env

    def _customer_search_domain(self):
        self.ensure_one()
        return self.env["res.partner"]._lab_customer_filter(
            self.customer_domain, self.company_id, self.name
        )

    def _target_customers(self):
        """The group's customers that the current user may see (record rules)."""
        self.ensure_one()
        return self.env["res.partner"].search(self._customer_search_domain())

    def action_view_customers(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.res_partner_action_lab_customer"
        )
        action["name"] = self.name
        action["domain"] = list(self._customer_search_domain())
        action["context"] = {"create": False}
        return action

    def action_plan_activities(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_target_group_plan_wizard_action"
        )
        action["context"] = {"default_target_group_id": self.id}
        return action

    def action_create_mailing_list(self):
        """With Mass Mailing installed: a mailing list of the customers that have
        an e-mail address."""
        self.check_access("write")  # managers: the button's group
        self.ensure_one()
        if "mailing.list" not in self.env:
            raise UserError(self.env._("Install Email Marketing to use mailing lists."))
        customers = self._target_customers().filtered("email")
        mailing_list = self.env["mailing.list"].create(
            {
                "name": self.name,
                "contact_ids": [
                    Command.create({"name": customer.name, "email": customer.email})
                    for customer in customers
                ],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.list",
            "res_id": mailing_list.id,
            "view_mode": "form",
        }
