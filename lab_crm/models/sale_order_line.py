from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

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
