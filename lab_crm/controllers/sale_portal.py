from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.sale.controllers.portal import CustomerPortal as SaleCustomerPortal


class LabSalePortal(SaleCustomerPortal):
    """A quotation is not accepted online while its customer is on credit hold:
    the customer reads a neutral message (nothing of the reason, figures or
    risk), the quotation stays as it is, and the account manager hears of it
    with the reason. Others accept as in Odoo."""

    @http.route()
    def portal_quote_accept(
        self, order_id, access_token=None, name=None, signature=None
    ):
        token = access_token or request.httprequest.args.get("access_token")
        try:
            order_sudo = self._document_check_access(
                "sale.order", order_id, access_token=token
            )
        except (AccessError, MissingError):
            order_sudo = None
        if (
            order_sudo
            and signature
            and order_sudo._has_to_be_signed()
            and order_sudo._lab_hold_online_confirmation()
        ):
            return {
                "error": request.env._(
                    "Your order cannot be confirmed online at the moment; your "
                    "account manager will contact you."
                )
            }
        return super().portal_quote_accept(
            order_id, access_token=access_token, name=name, signature=signature
        )
