from odoo import api, fields, models
from odoo.exceptions import ValidationError


class LabSampleLine(models.Model):
    _name = "lab.sample.line"
    _description = "Sample Test Item"
    _order = "sample_id, sequence, id"

    sample_id = fields.Many2one(
        "lab.sample", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="sample_id.company_id", store=True)
    # Stored copies of the sample's figures, for the analysis per test item.
    partner_id = fields.Many2one(related="sample_id.partner_id", store=True)
    state = fields.Selection(related="sample_id.state", store=True)
    received_datetime = fields.Datetime(
        related="sample_id.received_datetime",
        store=True,
        groups="base.group_user",
    )
    on_time_rate = fields.Float(
        related="sample_id.on_time_rate",
        store=True,
        aggregator="avg",
        groups="base.group_user",
    )
    actual_turnaround_days = fields.Integer(
        related="sample_id.actual_turnaround_days",
        store=True,
        aggregator="avg",
        groups="base.group_user",
    )
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        string="Test Item",
        required=True,
        domain="[('is_lab_test_item', '=', True)]",
    )
    standard = fields.Char(
        string="Standard / Method",
        compute="_compute_from_product",
        store=True,
        readonly=False,
    )
    turnaround_days = fields.Integer(
        string="Turnaround (working days)",
        compute="_compute_from_product",
        store=True,
        readonly=False,
    )
    currency_id = fields.Many2one(
        related="sample_id.company_id.currency_id", groups="base.group_user"
    )
    price_unit = fields.Monetary(
        string="Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        help="From the contract's agreed pricelist, else the customer's.",
        groups="base.group_user",
    )
    accreditation_ids = fields.Many2many(
        "lab.accreditation",
        string="Accreditations",
        compute="_compute_accreditation_ids",
        compute_sudo=True,
        help="The sample's company's accreditations that cover the test item.",
    )
    is_subcontracted = fields.Boolean(
        related="product_id.lab_is_subcontracted", string="Subcontracted"
    )
    is_rejected = fields.Boolean(
        string="Rejected", help="Rejected at contract review: not tested, not billed."
    )
    rejection_reason = fields.Char(groups="base.group_user")

    # 0 working days: a result given on the day of reception. A price of 0: a
    # test item given free; a rebate is a discount on the order, not a negative
    # price.
    _turnaround_days_check = models.Constraint(
        "CHECK (turnaround_days >= 0)",
        "A test item's turnaround (working days) cannot be negative.",
    )
    _price_unit_check = models.Constraint(
        "CHECK (price_unit >= 0)",
        "A test item's price cannot be negative.",
    )

    @api.depends("product_id")
    def _compute_from_product(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            line.standard = template.lab_standard
            line.turnaround_days = template.lab_turnaround_days

    @api.depends("product_id.lab_accreditation_ids", "sample_id.company_id")
    def _compute_accreditation_ids(self):
        for line in self:
            template = line.product_id.product_tmpl_id
            line.accreditation_ids = (
                template._lab_marks(line.sample_id.company_id)
                if template
                else line.accreditation_ids.browse()
            )

    @api.depends("product_id", "sample_id.partner_id", "sample_id.service_contract_id")
    def _compute_price_unit(self):
        for line in self:
            product = line.product_id
            contract = line.sample_id._lab_pricing_contract()
            pricelist = line.sample_id.partner_id.property_product_pricelist
            if contract:
                line.price_unit = contract._pricelist_price(
                    product, line.sample_id.partner_id
                )
            elif pricelist and product:
                line.price_unit = pricelist._get_product_price(product, 1.0)
            else:
                line.price_unit = product.lst_price

    @api.constrains("is_rejected", "rejection_reason")
    def _check_rejection_reason(self):
        for line in self:
            if line.is_rejected and not line.rejection_reason:
                raise ValidationError(
                    self.env._(
                        "Say why the test item %(item)s of sample %(sample)s "
                        "is rejected.",
                        item=line.product_id.display_name,
                        sample=line.sample_id.name,
                    )
                )

    @api.constrains("product_id", "is_rejected", "sample_id")
    def _check_sample_accreditations(self):
        """An item added or accepted must carry the marks its sample's report
        claims."""
        self.sample_id._check_accreditation_ids()

    def _sale_order_line_values(self):
        self.ensure_one()
        name = self.product_id.display_name
        if self.standard:
            name = f"{name} ({self.standard})"
        return {
            "product_id": self.product_id.id,
            "name": f"{self.sample_id.sample_name}: {name}",
            "product_uom_qty": 1.0,
            "price_unit": self.price_unit,
            "discount": self.sample_id._lab_pricing_contract().discount,
        }
