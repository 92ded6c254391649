from odoo import api, fields, models
from odoo.exceptions import UserError


class LabStaffKpiWizard(models.TransientModel):
    _name = "lab.staff.kpi.wizard"
    _description = "Staff KPIs: Period"

    date_from = fields.Date(
        string="From",
        required=True,
        # The report's own default: the 12 months up to today.
        default=lambda self: self.env["lab.staff.kpi"]._kpi_period()[0],
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period must end after it starts."))

    def action_open(self):
        """The KPIs of the period, compared with the period just before it."""
        self.check_access("write")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_staff_kpi_action"
        )
        action["display_name"] = self.env._(
            "Staff KPIs %(start)s - %(end)s",
            start=fields.Date.to_string(self.date_from),
            end=fields.Date.to_string(self.date_to),
        )
        action["context"] = {
            "lab_kpi_date_from": fields.Date.to_string(self.date_from),
            "lab_kpi_date_to": fields.Date.to_string(self.date_to),
        }
        return action
