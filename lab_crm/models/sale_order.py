from odoo import api, fields, models
from odoo.tools import plaintext2html

from .account_move import FAPIAO_TYPES


class SaleOrder(models.Model):
    _inherit = "sale.order"

    service_contract_id = fields.Many2one(
        "lab.service.contract",
        compute="_compute_service_contract_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('partner_id', 'parent_of', partner_id), ('state', '=', 'active')]",
        help="The customer's service contract whose prices and included services "
        "the order uses.",
        groups="base.group_user",
    )

    fapiao_type = fields.Selection(
        FAPIAO_TYPES,
        compute="_compute_fapiao_type",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="The fapiao the customer gets for this order; the customer's by default.",
    )

    @api.depends("partner_id")
    def _compute_fapiao_type(self):
        for order in self:
            order.fapiao_type = order.partner_id._lab_fapiao_type()

    @api.depends("partner_id", "date_order", "company_id")
    def _compute_service_contract_id(self):
        drafts = self.filtered(lambda order: order.state == "draft")
        running = self.env["lab.service.contract"]._running_lookup(drafts.partner_id)
        for order in drafts:
            order.service_contract_id = running(
                order.partner_id,
                order.date_order and order.date_order.date(),
                order.company_id,
            )

    @api.depends("partner_id", "company_id", "service_contract_id")
    def _compute_pricelist_id(self):
        """The contract's agreed pricelist while it applies, not after."""
        result = super()._compute_pricelist_id()
        for order in self.filtered(lambda o: o.state == "draft"):
            contract = order._lab_applicable_contract()
            if contract.pricelist_id:
                order.pricelist_id = contract.pricelist_id
        return result

    @api.onchange("service_contract_id")
    def _onchange_service_contract_id(self):
        self._lab_reprice_contract_lines()

    @api.onchange("order_line", "service_contract_id")
    def _onchange_beyond_contract(self):
        contract = self._lab_applicable_contract()
        if contract and self._lab_is_beyond_contract():
            return {
                "warning": {
                    "title": self.env._("Beyond the contract"),
                    "message": self.env._(
                        "Contract %(contract)s includes %(days)s training days and "
                        "this order goes beyond them: it is priced normally.",
                        contract=contract.name,
                        days=contract.included_training_days,
                    ),
                }
            }
        return None

    def write(self, vals):
        contracts = {order: order.service_contract_id for order in self}
        result = super().write(vals)
        self.filtered(
            lambda order: order.service_contract_id != contracts[order]
        )._lab_reprice_contract_lines()
        return result

    def _lab_reprice_contract_lines(self):
        """A quotation whose contract changed takes the new contract's discount
        on its lines (or the pricelist's without a contract). Confirmed orders
        keep theirs, as with Odoo's pricelists."""
        lines = self.filtered(lambda order: order.state in ("draft", "sent")).order_line
        if lines:
            # As Odoo's "Update Prices" does (sale.order._recompute_prices).
            lines.discount = 0.0
            lines._compute_discount()

    def _prepare_invoice(self):
        return {**super()._prepare_invoice(), "fapiao_type": self.fapiao_type}

    def action_confirm(self):
        for order in self:
            order.partner_id._lab_check_credit_hold(
                self.env._("confirming %(order)s", order=order.name)
            )
        return super().action_confirm()

    def _lab_hold_online_confirmation(self):
        """Whether the customer of the order is on credit hold, so that the order
        may not be confirmed online (signature, payment). Its account manager
        (the order's salesperson, else the customer's) then gets an activity with
        the reason, one while it is open; the customer is told nothing of it."""
        self.ensure_one()
        order = self.sudo()
        user = order.user_id or order.partner_id.commercial_partner_id.user_id
        partner = order.partner_id.with_context(lang=user.lang or self.env.lang)
        reasons = partner._lab_credit_hold_reasons().get(partner)
        if not reasons:
            return False
        activity_type = self.env.ref("lab_crm.mail_activity_type_order_credit_hold")
        if user and not order.activity_ids.filtered(
            lambda a: a.activity_type_id == activity_type and a.user_id == user
        ):
            order = order.with_context(lang=user.lang or self.env.lang)
            order.with_context(mail_activity_quick_update=True).activity_schedule(
                activity_type_id=activity_type.id,
                summary=order.env._(
                    "%(order)s was accepted online but not confirmed: the customer "
                    "is on credit hold",
                    order=order.name,
                ),
                note=plaintext2html("\n".join(reasons)),
                user_id=user.id,
            )
        return True

    def _lab_applicable_contract(self):
        """The order's contract if it applies on the order date."""
        self.ensure_one()
        contract = self.service_contract_id
        day = self.date_order and self.date_order.date()
        return contract if contract and contract._applies_on(day) else contract.browse()

    def _lab_is_beyond_contract(self, lines=None):
        """Whether the training days of this order (with ``lines``, being edited
        and perhaps not yet in it), with those of the contract's other confirmed
        orders, exceed the days the contract includes."""
        self.ensure_one()
        contract = self._lab_applicable_contract()
        if not contract.included_training_days:
            return False
        category = contract._training_category()
        if not category:
            return False
        [[used]] = self.env["sale.order.line"]._read_group(
            [
                ("order_id.service_contract_id", "=", contract.id),
                ("order_id", "!=", self._origin.id),
                ("state", "=", "sale"),
                ("product_id.categ_id", "child_of", category.ids),
            ],
            aggregates=["product_uom_qty:sum"],
        )
        own = sum(
            (self.order_line | (lines or self.order_line.browse()))
            .filtered(
                lambda line: (
                    line.product_id.categ_id.parent_path
                    and line.product_id.categ_id.parent_path.startswith(
                        category.parent_path
                    )
                )
            )
            .mapped("product_uom_qty")
        )
        return (used or 0.0) + own > contract.included_training_days

    def _lab_pricing_contract(self, lines=None):
        """The contract whose discount the order's lines take."""
        self.ensure_one()
        contract = self._lab_applicable_contract()
        return contract.browse() if self._lab_is_beyond_contract(lines) else contract
