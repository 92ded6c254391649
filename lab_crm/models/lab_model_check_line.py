import datetime

from odoo import api, fields, models

KINDS = [
    ("tracking", "Cumulative repeat transactions"),
    ("conditional", "Holdout transactions per customer"),
    ("value", "Average value per transaction"),
]
SERIES = [("actual", "Actual"), ("predicted", "Predicted")]
PERIODS = [("calibration", "Calibration"), ("holdout", "Holdout")]
# analytics.modelcheck.GROUP_CAP: 0 .. 6 and 7 or more.
CALIBRATION_GROUPS = [(str(n), str(n)) for n in range(7)] + [("7", "7+")]


class LabModelCheckLine(models.Model):
    """A point of a model check's graphs: one series (actual or predicted) of
    one plot, at one week (tracking) or one calibration group (the others)."""

    _name = "lab.model.check.line"
    _description = "Model Check Graph Point"
    _order = "check_id, kind, week, calibration_group, series"

    check_id = fields.Many2one(
        "lab.model.check",
        string="Model Check",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="check_id.company_id", store=True)
    kind = fields.Selection(KINDS, string="Graph", required=True)
    series = fields.Selection(SERIES, required=True)
    week = fields.Integer(help="Weeks from the start of the calibration period.")
    week_end = fields.Date(string="Week Ending")
    period = fields.Selection(PERIODS)
    calibration_group = fields.Selection(
        CALIBRATION_GROUPS,
        string="Calibration Transactions",
        help="Repeat transactions in the calibration period.",
    )
    value = fields.Float(digits=(16, 3), aggregator="avg")
    count = fields.Integer(
        help="Customers of the group (holdout transactions per customer), or "
        "holdout transactions of the group (average value)."
    )

    @api.model
    def _rows(self, check, result):
        """The create values of ``check``'s graph points from a
        ``modelcheck.Check``."""
        rows = []
        track = result.tracking
        for series in ("actual", "predicted"):
            rows += [
                {
                    "check_id": check.id,
                    "kind": "tracking",
                    "series": series,
                    "week": int(week),
                    "week_end": datetime.date.fromordinal(int(end)),
                    "period": "holdout" if holdout else "calibration",
                    "value": float(value),
                }
                for week, end, holdout, value in zip(
                    track["week"],
                    track["end_day"],
                    track["holdout"],
                    track[series],
                    strict=True,
                )
            ]
        plots = [("conditional", result.conditional, "customers")]
        if result.value is not None:
            plots.append(("value", result.value, "transactions"))
        for kind, plot, count in plots:
            for series in ("actual", "predicted"):
                rows += [
                    {
                        "check_id": check.id,
                        "kind": kind,
                        "series": series,
                        "calibration_group": str(group),
                        "value": float(value),
                        "count": int(number),
                    }
                    for group, value, number in zip(
                        plot["group"], plot[series], plot[count], strict=True
                    )
                ]
        return rows
