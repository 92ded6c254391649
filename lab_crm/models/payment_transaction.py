from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """An online payment does not confirm the order of a customer on credit
        hold: the order stays a quotation and its account manager hears of it
        (sale.order._lab_hold_online_confirmation)."""
        held = self.filtered(
            lambda tx: (
                len(tx.sale_order_ids) == 1
                and tx.sale_order_ids.state in ("draft", "sent")
                and tx.sale_order_ids._is_confirmation_amount_reached()
                and tx.sale_order_ids._lab_hold_online_confirmation()
            )
        )
        return super(PaymentTransaction, self - held)._check_amount_and_confirm_order()
