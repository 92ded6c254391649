from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends(
        "product_id",
        "product_uom_id",
        "product_uom_qty",
        "order_id.service_contract_id",
    )
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
