from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.lab_model_check import TRANSACTION_SOURCES


class LabModelCheckWizard(models.TransientModel):
    _name = "lab.model.check.wizard"
    _description = "Model Check: Periods"

    calibration_start = fields.Date(
        required=True,
        default=lambda self: self._default_dates()[0],
        help="The models learn from the customers whose first transaction falls in "
        "the calibration period, and from their transactions in it.",
    )
    calibration_end = fields.Date(
        required=True, default=lambda self: self._default_dates()[1]
    )
    holdout_end = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The holdout period runs from the day after the calibration period "
        "to this date: the models predict it without seeing it.",
    )
    transactions = fields.Selection(
        TRANSACTION_SOURCES,
        required=True,
        default=lambda self: self.env["lab.model.check"]._default_source(),
    )

    @api.model
    def _default_dates(self):
        """A year of calibration followed by six months of holdout up to today."""
        today = fields.Date.context_today(self)
        calibration_end = today - relativedelta(months=6)
        return calibration_end - relativedelta(years=1, days=-1), calibration_end

    @api.constrains("calibration_start", "calibration_end", "holdout_end")
    def _check_periods(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            if not (
                wizard.calibration_start <= wizard.calibration_end < wizard.holdout_end
            ):
                raise ValidationError(
                    self.env._(
                        "The calibration period must start on or before its end, "
                        "and the holdout period must end after it."
                    )
                )
            if wizard.holdout_end > today:
                raise ValidationError(
                    self.env._(
                        "The holdout period must be over: it ends on %(date)s, "
                        "after today.",
                        date=wizard.holdout_end,
                    )
                )

    def action_run(self):
        """Run the check and open it."""
        self.check_access("write")  # the wizard is for managers
        self.ensure_one()
        check = (
            self.env["lab.model.check"]
            .sudo()
            ._run(
                self.calibration_start,
                self.calibration_end,
                self.holdout_end,
                self.transactions,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "lab.model.check",
            "res_id": check.id,
            "view_mode": "form",
            "target": "current",
        }
