from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class LabSampleBatchWizard(models.TransientModel):
    _name = "lab.sample.batch.wizard"
    _description = "Register Several Samples"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        domain="[('is_company', '=', True)]",
    )
    contact_id = fields.Many2one(
        "res.partner", domain="[('parent_id', '=', partner_id)]"
    )
    received_datetime = fields.Datetime(
        string="Received", required=True, default=fields.Datetime.now
    )
    product_ids = fields.Many2many(
        "product.product",
        string="Test Items",
        domain="[('is_lab_test_item', '=', True)]",
        help="Ordered on every sample of the batch.",
    )
    line_ids = fields.One2many(
        "lab.sample.batch.wizard.line", "wizard_id", string="Samples"
    )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.contact_id.commercial_partner_id != self.partner_id:
            self.contact_id = False

    def action_register(self):
        self.check_access("write")
        self.ensure_one()
        if not self.line_ids:
            raise UserError(self.env._("Add at least one sample to register."))
        samples = self.env["lab.sample"].create(
            [
                {
                    "partner_id": self.partner_id.id,
                    "contact_id": self.contact_id.id,
                    "received_datetime": self.received_datetime,
                    "sample_name": line.sample_name,
                    "batch": line.batch,
                    "quantity": line.quantity,
                    "description": line.description,
                    "line_ids": [
                        fields.Command.create({"product_id": product.id})
                        for product in self.product_ids
                    ],
                }
                for line in self.line_ids
            ]
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_sample_action"
        )
        action["domain"] = [("id", "in", samples.ids)]
        return action


class LabSampleBatchWizardLine(models.TransientModel):
    _name = "lab.sample.batch.wizard.line"
    _description = "Sample of a Batch Registration"

    wizard_id = fields.Many2one(
        "lab.sample.batch.wizard", required=True, ondelete="cascade"
    )
    sample_name = fields.Char(string="Sample", required=True)
    batch = fields.Char(string="Batch / Lot")
    quantity = fields.Float(default=1.0, digits="Product Unit")
    description = fields.Text()

    @api.constrains("quantity")
    def _check_quantity(self):
        # As on the sample it registers, said while the batch is being typed.
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "The quantity of sample %(sample)s must be positive.",
                        sample=line.sample_name,
                    )
                )
