from odoo import api, fields, models


class LabSegmentWizard(models.TransientModel):
    _name = "lab.segment.wizard"
    _description = "Recompute Customer Segments"

    partner_ids = fields.Many2many(
        "res.partner", string="Customers", help="Leave empty for all customers."
    )
    period_months = fields.Integer(string="Period (months)", required=True)
    transactions = fields.Selection(
        [("invoices", "Invoices"), ("samples", "Samples")], required=True
    )
    a_cutoff = fields.Float(string="Tier A up to (share)", required=True)
    b_cutoff = fields.Float(string="Tier B up to (share)", required=True)
    horizon_months = fields.Integer(
        string="Lifetime Value Horizon (months)", required=True
    )
    monthly_discount_rate = fields.Float(required=True, digits=(16, 4))

    @api.constrains(
        "period_months",
        "a_cutoff",
        "b_cutoff",
        "horizon_months",
        "monthly_discount_rate",
    )
    def _check_settings(self):
        for wizard in self:
            self.env["lab.segment.snapshot"]._check_settings(
                {
                    "period_months": wizard.period_months,
                    "a_cutoff": wizard.a_cutoff,
                    "b_cutoff": wizard.b_cutoff,
                    "horizon_months": wizard.horizon_months,
                    "monthly_discount_rate": wizard.monthly_discount_rate,
                }
            )

    @api.model
    def default_get(self, fields_list):
        self.check_access("create")  # the settings are for managers
        values = super().default_get(fields_list)
        settings = self.env["lab.segment.snapshot"]._settings()
        for name in fields_list:
            if name in settings and name not in values:
                values[name] = settings[name]
        if "partner_ids" in fields_list and self.env.context.get("active_model") == (
            "res.partner"
        ):
            values["partner_ids"] = [
                fields.Command.set(self.env.context.get("active_ids", []))
            ]
        return values

    def action_recompute(self):
        self.check_access("write")
        self.ensure_one()
        overrides = {
            name: self[name]
            for name in (
                "period_months",
                "transactions",
                "a_cutoff",
                "b_cutoff",
                "horizon_months",
                "monthly_discount_rate",
            )
        }
        count = (
            self.env["lab.segment.snapshot"]
            .sudo()
            ._recompute(partners=self.partner_ids or None, overrides=overrides)
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Segments recomputed for %(count)s customers.", count=count
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
