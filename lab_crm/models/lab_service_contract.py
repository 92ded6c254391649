from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

from .lab_sample import UNCOUNTED_STATES

CONTRACT_STATES = [
    ("draft", "Draft"),
    ("active", "Running"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]


class LabServiceContract(models.Model):
    _name = "lab.service.contract"
    _description = "Service Contract"
    _inherit = ["lab.customer.document"]
    _order = "date_start desc, id desc"

    title = fields.Char(tracking=True, help="e.g. 2026 framework agreement")
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(string="End", required=True, tracking=True)
    state = fields.Selection(
        CONTRACT_STATES,
        string="Status",
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        index=True,
    )

    # Prices
    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Agreed Pricelist",
        check_company=True,
        tracking=True,
        help="Used instead of the customer's pricelist while the contract runs.",
    )
    discount = fields.Float(
        string="Agreed Discount (%)",
        digits="Discount",
        tracking=True,
        help="Given on the test items and services ordered under the contract.",
    )

    # Payment
    payment_mode = fields.Selection(
        [("prepaid", "Prepaid balance"), ("postpaid", "Post-paid")],
        required=True,
        default="postpaid",
        tracking=True,
    )
    prepaid_amount = fields.Monetary(
        tracking=True, help="Paid in advance; the orders under the contract use it."
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        check_company=True,
        help="For a post-paid contract.",
    )

    # Included services and commitments
    included_test_count = fields.Integer(
        string="Included Tests", help="Test items included (0: no limit)."
    )
    included_training_days = fields.Float(
        digits=(16, 1),
        help="Training days included (0: no limit).",
    )
    turnaround_days = fields.Integer(
        string="Turnaround Commitment (working days)",
        help="No sample under the contract is promised later than this (0: the "
        "test items' own turnaround).",
    )
    notes = fields.Html(string="Terms")

    # Consumption
    sample_ids = fields.One2many("lab.sample", "service_contract_id", string="Samples")
    sale_order_ids = fields.One2many(
        "sale.order", "service_contract_id", string="Sale Orders"
    )
    sample_count = fields.Integer(compute="_compute_consumption")
    sale_order_count = fields.Integer(compute="_compute_consumption")
    used_test_count = fields.Integer(
        string="Used Tests",
        compute="_compute_consumption",
        help="Accepted test items of the contract's samples that are not cancelled.",
    )
    used_training_days = fields.Float(
        compute="_compute_consumption",
        digits=(16, 1),
        help="Training days on the contract's confirmed orders.",
    )
    consumed_amount = fields.Monetary(
        compute="_compute_consumption",
        help="Total of the contract's confirmed orders, taxes included.",
    )
    remaining_balance = fields.Monetary(
        string="Remaining Prepaid Balance",
        compute="_compute_consumption",
        help="The prepaid amount less the consumed amount.",
    )
    renewal_notified = fields.Boolean(
        readonly=True, copy=False, help="The renewal activity was already given."
    )

    _dates_check = models.Constraint(
        "CHECK (date_end >= date_start)",
        "A contract cannot end before it starts.",
    )
    _discount_check = models.Constraint(
        "CHECK (discount >= 0 AND discount <= 100)",
        "The agreed discount is a percentage from 0 to 100.",
    )
    _included_check = models.Constraint(
        "CHECK (included_test_count >= 0 AND included_training_days >= 0 "
        "AND turnaround_days >= 0 AND prepaid_amount >= 0)",
        "Included services, commitments and the prepaid amount cannot be negative.",
    )
    _name_company_uniq = models.Constraint(
        "UNIQUE (company_id, name)",
        "This contract reference is already used in this company.",
    )

    def _compute_consumption(self):
        """What the contracts in ``self`` used, in four grouped queries."""
        ids = self._origin.ids
        samples, tests = {}, {}
        for contract, count in self.env["lab.sample"]._read_group(
            [("service_contract_id", "in", ids), ("state", "not in", UNCOUNTED_STATES)],
            ["service_contract_id"],
            ["__count"],
        ):
            samples[contract] = count
        for contract, count in self.env["lab.sample.line"]._read_group(
            [
                ("sample_id.service_contract_id", "in", ids),
                ("is_rejected", "=", False),
                ("state", "not in", UNCOUNTED_STATES),
            ],
            ["sample_id.service_contract_id"],
            ["__count"],
        ):
            tests[contract] = count
        orders, amounts = {}, {}
        for contract, count, amount in self.env["sale.order"]._read_group(
            [("service_contract_id", "in", ids), ("state", "=", "sale")],
            ["service_contract_id"],
            ["__count", "amount_total:sum"],
        ):
            orders[contract], amounts[contract] = count, amount
        training = dict(
            self.env["sale.order.line"]._read_group(
                [
                    ("order_id.service_contract_id", "in", ids),
                    ("state", "=", "sale"),
                    ("product_id.categ_id", "child_of", self._training_category().ids),
                ],
                ["order_id.service_contract_id"],
                ["product_uom_qty:sum"],
            )
        )
        for contract in self:
            origin = contract._origin
            contract.sample_count = samples.get(origin, 0)
            contract.sale_order_count = orders.get(origin, 0)
            contract.used_test_count = tests.get(origin, 0)
            contract.used_training_days = training.get(origin, 0.0)
            contract.consumed_amount = amounts.get(origin, 0.0)
            contract.remaining_balance = (
                contract.prepaid_amount - contract.consumed_amount
                if contract.payment_mode == "prepaid"
                else 0.0
            )

    @api.constrains("partner_id", "date_start", "date_end", "state", "company_id")
    def _check_overlap(self):
        """A customer has one running contract at a time, so that a sample or an
        order knows whose prices it takes."""
        for contract in self.filtered(lambda c: c.state == "active"):
            clash = self.search(
                [
                    ("id", "!=", contract.id),
                    ("company_id", "=", contract.company_id.id),
                    ("partner_id", "=", contract.partner_id.id),
                    ("state", "=", "active"),
                    ("date_start", "<=", contract.date_end),
                    ("date_end", ">=", contract.date_start),
                ],
                limit=1,
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has the running contract %(other)s "
                        "over these dates.",
                        customer=contract.partner_id.display_name,
                        other=clash.name,
                    )
                )

    def _lab_reference_sequence(self, company):
        return company._lab_service_contract_sequence()

    def write(self, vals):
        if "date_end" in vals:
            vals = {**vals, "renewal_notified": False}  # a new end, a new reminder
        return super().write(vals)

    # Actions

    def action_activate(self):
        self.check_access("write")
        for contract in self:
            if contract.state != "draft":
                raise UserError(
                    self.env._(
                        "Only a draft contract can start; %(name)s is not.",
                        name=contract.name,
                    )
                )
        self.write({"state": "active"})

    def action_cancel(self):
        self.check_access("write")
        self.write({"state": "cancelled"})

    def action_renew(self):
        """A draft contract for the next period, on the same terms."""
        self.check_access("write")
        self.ensure_one()
        length = self.date_end - self.date_start
        renewal = self.copy(
            {
                "date_start": self.date_end + timedelta(days=1),
                "date_end": self.date_end + timedelta(days=1) + length,
            }
        )
        renewal.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": renewal, "origin": self},
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": renewal.id,
            "view_mode": "form",
        }

    def action_view_samples(self):
        self.check_access("write")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_sample_action"
        )
        action["domain"] = [("service_contract_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_service_contract_id": self.id,
        }
        return action

    def action_view_sale_orders(self):
        self.check_access("write")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("sale.action_orders")
        action["domain"] = [("service_contract_id", "=", self.id)]
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_service_contract_id": self.id,
        }
        return action

    # Business methods

    @api.model
    def _training_category(self):
        return (
            self.env.ref(
                "lab_crm.product_category_lab_training", raise_if_not_found=False
            )
            or self.env["product.category"]
        )

    @api.model
    def _running_lookup(self, partners):
        """A function giving the contract of one of ``partners`` running on a day
        in a company, from one query for all of them."""
        contracts = self.search(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("state", "=", "active"),
            ]
        )

        def running(partner, day, company):
            customer = partner.commercial_partner_id
            return next(
                (
                    contract
                    for contract in contracts
                    if day
                    and contract.partner_id == customer
                    and contract.company_id == company
                    and contract.date_start <= day <= contract.date_end
                ),
                self.browse(),
            )

        return running

    def _applies_on(self, day):
        """Whether the contract's prices and commitments apply on ``day``: it is
        running and ``day`` is within its dates. An expired contract never
        applies, even before the daily job marks it so."""
        self.ensure_one()
        return bool(
            self.state == "active" and day and self.date_start <= day <= self.date_end
        )

    def _pricelist_price(self, product, partner):
        """The price of ``product`` from the agreed pricelist, else from the
        customer's own (the discount is given separately)."""
        self.ensure_one()
        pricelist = self.pricelist_id or partner.property_product_pricelist
        if pricelist and product:
            return pricelist._get_product_price(product, 1.0)
        return product.lst_price

    @api.model
    def _cron_expire_and_renew(self):
        """Expire the running contracts past their end; give the account manager
        one renewal activity on each contract ending within the notice days."""
        today = fields.Date.context_today(self)
        self.search([("state", "=", "active"), ("date_end", "<", today)]).write(
            {"state": "expired"}
        )
        ending = self.search(
            Domain("state", "=", "active")
            & Domain("renewal_notified", "=", False)
            & self.env["res.company"]._lab_settings_domain(
                lambda company: Domain(
                    "date_end",
                    "<=",
                    today + timedelta(days=company.lab_contract_renewal_days),
                )
            )
        )
        for contract in ending:
            contract._lab_schedule_daily_activity(
                "lab_crm.mail_activity_type_service_contract_renewal",
                self.env._(
                    "Contract %(name)s ends on %(date)s: agree its renewal",
                    name=contract.name,
                    date=contract.date_end,
                ),
                contract.user_id or contract.create_uid,
                date_deadline=contract.date_end,
            )
        ending.renewal_notified = True
