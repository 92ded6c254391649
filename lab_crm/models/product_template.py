from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# What only a Lab CRM manager sets on a test item: its accreditation scope.
LAB_SCOPE_FIELDS = {
    "lab_accreditation_ids",
    "lab_is_subcontracted",
    "lab_subcontractor_id",
}


class ProductTemplate(models.Model):
    _inherit = "product.template"

    is_lab_test_item = fields.Boolean(
        string="Test Item",
        help="A testing service a customer can order on a submitted sample.",
    )
    lab_standard = fields.Char(string="Standard / Method", help="e.g. GB/T 3920-2008")
    lab_turnaround_days = fields.Integer(
        string="Turnaround (working days)",
        default=5,
        help="Working days from reception to report.",
    )
    # Accreditation scope (CMA / CNAS): which of the laboratory's accreditations
    # cover the test item, or who tests it instead (分包).
    lab_accreditation_ids = fields.Many2many(
        "lab.accreditation",
        "lab_accreditation_product_template_rel",
        "product_tmpl_id",
        "accreditation_id",
        string="Accreditations",
        copy=False,  # a new test item is in the scope once a manager says so
        help="The laboratory's accreditations whose scope covers this test item: "
        "the marks its reports may carry.",
    )
    lab_is_subcontracted = fields.Boolean(
        string="Subcontracted",
        copy=False,
        help="Tested by another laboratory (the subcontractor): outside the "
        "laboratory's own accreditations.",
    )
    lab_subcontractor_id = fields.Many2one(
        "res.partner",
        string="Subcontractor",
        copy=False,
        domain="[('is_company', '=', True)]",
    )

    _lab_turnaround_days_check = models.Constraint(
        "CHECK (lab_turnaround_days >= 0)",
        "A test item's turnaround (working days) cannot be negative.",
    )

    @api.onchange("is_lab_test_item")
    def _onchange_is_lab_test_item(self):
        """A test item goes to the testing category, so that cross-selling tells
        testing from value-added purchases."""
        testing = self.env.ref(
            "lab_crm.product_category_lab_testing", raise_if_not_found=False
        )
        if self.is_lab_test_item and testing and self.categ_id != testing:
            self.categ_id = testing

    @api.constrains(
        "lab_is_subcontracted", "lab_subcontractor_id", "lab_accreditation_ids"
    )
    def _check_lab_subcontracting(self):
        for template in self:
            if template.lab_is_subcontracted and not template.lab_subcontractor_id:
                raise ValidationError(
                    self.env._(
                        "Say which laboratory tests the subcontracted item %(item)s.",
                        item=template.display_name,
                    )
                )
            if template.lab_is_subcontracted and template.lab_accreditation_ids:
                raise ValidationError(
                    self.env._(
                        "%(item)s is subcontracted: the laboratory's own "
                        "accreditations (%(marks)s) do not cover it.",
                        item=template.display_name,
                        marks=", ".join(template.lab_accreditation_ids.mapped("code")),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(fname) for vals in vals_list for fname in LAB_SCOPE_FIELDS):
            self._lab_check_scope_manager()
        return super().create(vals_list)

    def write(self, vals):
        if LAB_SCOPE_FIELDS & set(vals):
            self._lab_check_scope_manager()
        return super().write(vals)

    @api.model
    def _lab_check_scope_manager(self):
        """The accreditation scope of the test items is the quality system's:
        whoever may edit products (Odoo's Products: Create) does not change it
        unless a Lab CRM manager."""
        if not self.env.su and not self.env.user.has_group(
            "lab_crm.group_lab_crm_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Lab CRM manager may change which accreditations cover "
                    "a test item, or whether it is subcontracted."
                )
            )

    def _lab_marks(self, company):
        """The accreditations of ``company`` that cover the test item (as the
        system: the marks are public)."""
        self.ensure_one()
        return self.sudo().lab_accreditation_ids.filtered(
            lambda accreditation: (
                accreditation.active and accreditation.company_id == company
            )
        )
