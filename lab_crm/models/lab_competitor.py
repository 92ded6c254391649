from odoo import api, fields, models

PRICE_LEVELS = [
    ("lower", "Lower than ours"),
    ("similar", "Similar to ours"),
    ("higher", "Higher than ours"),
]


class LabCompetitor(models.Model):
    _name = "lab.competitor"
    _description = "Competitor"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the competitor between all companies.",
    )
    strengths = fields.Text(help="What this competitor does better than us.")
    price_level = fields.Selection(PRICE_LEVELS, help="Its prices compared to ours.")
    notes = fields.Html()
    lost_customer_ids = fields.One2many(
        "res.partner", "lost_to_competitor_id", string="Lost Customers"
    )
    lost_customer_count = fields.Integer(
        string="Customers Lost", compute="_compute_lost_customer_count"
    )

    _name_company_uniq = models.UniqueIndex(
        "(name, COALESCE(company_id, 0))",
        "A competitor with this name already exists in this company.",
    )

    @api.depends("lost_customer_ids")
    @api.depends_context("uid")
    def _compute_lost_customer_count(self):
        counts = dict(
            # As the user sees them: a user counts the customers of their team.
            self.env["res.partner"]._read_group(
                [("lost_to_competitor_id", "in", self.ids)],
                ["lost_to_competitor_id"],
                ["__count"],
            )
        )
        for competitor in self:
            competitor.lost_customer_count = counts.get(competitor, 0)

    def action_view_lost_customers(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.res_partner_action_lab_customer"
        )
        action["name"] = self.env._("Customers Lost to %s", self.name)
        action["domain"] = [("lost_to_competitor_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
