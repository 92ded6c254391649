from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    lab_accreditation_ids = fields.Many2many(
        "lab.accreditation",
        string="Accreditations",
        compute="_compute_lab_accreditation_ids",
        compute_sudo=True,
        help="The marks (CMA, CNAS...) the order's company's accreditations give "
        "this test item's report.",
    )
    lab_is_subcontracted = fields.Boolean(
        related="product_id.lab_is_subcontracted", string="Subcontracted"
    )

    @api.depends("product_id.lab_accreditation_ids", "order_id.company_id")
    def _compute_lab_accreditation_ids(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            line.lab_accreditation_ids = (
                template._lab_marks(line.order_id.company_id)
                if template
                else line.lab_accreditation_ids.browse()
            )

    # Odoo's dependencies only (product, unit, quantity): the discount is computed
    # while the line is drafted and stays as the salesperson left it. Depending on
    # the order's contract would recompute it when the order is confirmed (the
    # order date changes, so does the contract's lookup) and reset a discount typed
    # by hand. A draft order whose contract changes reprices its lines itself
    # (sale.order._lab_reprice_contract_lines).
    def _compute_discount(self):
        """The contract's agreed discount, while it applies and the order is
        within the services it includes; otherwise the pricelist's."""
        result = super()._compute_discount()
        for order in self.order_id:
            lines = self.filtered(lambda line, order=order: line.order_id == order)
            contract = order._lab_pricing_contract(lines)
            if not contract.discount:
                continue
            for line in lines.filtered(
                lambda line: line.product_id and not line.display_type
            ):
                line.discount = contract.discount
        return result
