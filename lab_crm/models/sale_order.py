from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        for order in self:
            order.partner_id._lab_check_credit_hold(
                self.env._("confirming %(order)s", order=order.name)
            )
        return super().action_confirm()
