from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .lab_segment_snapshot import DEFAULTS

TRANSACTION_SOURCES = [("invoices", "Invoices"), ("samples", "Samples")]
# Below these, the reading guide's cautions apply (see the README).
FEW_REPEAT_CUSTOMERS = 100
SHORT_CALIBRATION_WEEKS = 26


class LabModelCheck(models.Model):
    """One run of the model check: the BG/NBD and Gamma-Gamma models fitted on a
    calibration period of the laboratory's transactions and compared with the
    holdout period that follows (lab_crm.analytics.modelcheck). Kept per run so
    that checks can be compared over time; written once, by the wizard."""

    _name = "lab.model.check"
    _description = "Model Check"
    _order = "create_date desc, id desc"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    user_id = fields.Many2one("res.users", string="Run by", readonly=True)
    calibration_start = fields.Date(required=True, readonly=True)
    calibration_end = fields.Date(required=True, readonly=True)
    holdout_end = fields.Date(required=True, readonly=True)
    transactions = fields.Selection(TRANSACTION_SOURCES, required=True, readonly=True)
    customer_count = fields.Integer(
        string="Customers",
        readonly=True,
        help="Customers whose first transaction is in the calibration period.",
    )
    repeat_customer_count = fields.Integer(
        string="Repeat Customers",
        readonly=True,
        help="Customers with at least one repeat transaction in the calibration "
        "period.",
    )
    bgnbd_r = fields.Float(string="r", digits=(16, 4), readonly=True)
    bgnbd_alpha = fields.Float(string="alpha", digits=(16, 4), readonly=True)
    bgnbd_a = fields.Float(string="a", digits=(16, 4), readonly=True)
    bgnbd_b = fields.Float(string="b", digits=(16, 4), readonly=True)
    is_converged = fields.Boolean(
        string="Fit Converged",
        readonly=True,
        help="Whether the BG/NBD fit reached a maximum of the likelihood.",
    )
    bgnbd_log_likelihood = fields.Float(
        string="BG/NBD Log-likelihood", digits=(16, 2), readonly=True
    )
    gg_p = fields.Float(string="p", digits=(16, 4), readonly=True)
    gg_q = fields.Float(string="q", digits=(16, 4), readonly=True)
    gg_gamma = fields.Float(string="gamma", digits=(16, 4), readonly=True)
    gg_log_likelihood = fields.Float(
        string="Gamma-Gamma Log-likelihood", digits=(16, 2), readonly=True
    )
    has_value_model = fields.Boolean(string="Value Model Fitted", readonly=True)
    holdout_actual = fields.Float(
        string="Actual Holdout Transactions", digits=(16, 0), readonly=True
    )
    holdout_predicted = fields.Float(
        string="Predicted Holdout Transactions", digits=(16, 2), readonly=True
    )
    tracking_mae = fields.Float(
        string="Weekly Cumulative Error (mean absolute)", digits=(16, 2), readonly=True
    )
    tracking_total = fields.Float(
        string="Holdout Total Error (tracking)", digits=(16, 2), readonly=True
    )
    conditional_mae = fields.Float(
        string="Per-customer Error (mean absolute)", digits=(16, 3), readonly=True
    )
    conditional_total = fields.Float(
        string="Holdout Total Error (per customer)", digits=(16, 2), readonly=True
    )
    value_mae = fields.Float(
        string="Average Value Error (mean absolute)", digits=(16, 2), readonly=True
    )
    value_total = fields.Float(
        string="Holdout Value Error (total)", digits=(16, 2), readonly=True
    )
    caution = fields.Text(compute="_compute_caution")
    line_ids = fields.One2many(
        "lab.model.check.line", "check_id", string="Graph Data", readonly=True
    )

    @api.depends("calibration_start", "holdout_end")
    def _compute_display_name(self):
        for check in self:
            check.display_name = self.env._(
                "Model check %(start)s - %(end)s",
                start=check.calibration_start,
                end=check.holdout_end,
            )

    @api.depends(
        "repeat_customer_count",
        "calibration_start",
        "calibration_end",
        "has_value_model",
        "is_converged",
    )
    def _compute_caution(self):
        for check in self:
            notes = []
            if check.repeat_customer_count < FEW_REPEAT_CUSTOMERS:
                notes.append(
                    self.env._(
                        "Only %(count)s customers bought again in the calibration "
                        "period: too few to trust the fitted parameters.",
                        count=check.repeat_customer_count,
                    )
                )
            days = (check.calibration_end - check.calibration_start).days + 1
            if days < 7 * SHORT_CALIBRATION_WEEKS:
                notes.append(
                    self.env._(
                        "The calibration period is shorter than %(weeks)s weeks: "
                        "the models have seen too little of the customers' rhythm.",
                        weeks=SHORT_CALIBRATION_WEEKS,
                    )
                )
            if not check.is_converged:
                notes.append(
                    self.env._(
                        "The fit of the BG/NBD model did not converge: its "
                        "parameters are not reliable."
                    )
                )
            if not check.has_value_model:
                notes.append(
                    self.env._(
                        "The value model could not be fitted (too few repeat "
                        "transactions with a value): no lifetime value can be "
                        "checked."
                    )
                )
            check.caution = "\n".join(notes)

    @api.model
    def _run(self, calibration_start, calibration_end, holdout_end, source):
        """Fit and compare (lab_crm.analytics.modelcheck) on the current
        company's transactions from ``source`` ("invoices" or "samples") and
        store the run with its graph rows. Call after the caller's check."""
        from ..analytics import modelcheck  # noqa: PLC0415 (imports numpy)

        company = self.env.company
        partner, day, amount = self._transactions(company, source, holdout_end)
        start = calibration_start.toordinal()
        try:
            result = modelcheck.run(
                partner,
                day,
                amount,
                start,
                calibration_end.toordinal(),
                holdout_end.toordinal(),
            )
        except ValueError as error:
            raise UserError(
                self.env._(
                    "No customer made a first transaction in the calibration "
                    "period: choose an earlier or longer one."
                )
            ) from error
        check = self.create(
            {
                **self._result_values(result),
                "company_id": company.id,
                "user_id": self.env.uid,
                "calibration_start": calibration_start,
                "calibration_end": calibration_end,
                "holdout_end": holdout_end,
                "transactions": source,
            }
        )
        self.env["lab.model.check.line"].create(
            self.env["lab.model.check.line"]._rows(check, result)
        )
        return check

    def _transactions(self, company, source, holdout_end):
        """(customer ids, day numbers, values) of ``company``'s transactions up
        to ``holdout_end``: the segmentation's query, one row per customer and
        day, read as three arrays (numpy does the rest column-wise)."""
        self.env.flush_all()
        Snapshot = self.env["lab.segment.snapshot"]
        rows = Snapshot._read_columns(
            SQL(
                """SELECT partner_id, day - DATE '0001-01-01' + 1 AS day,
                          COALESCE(SUM(amount), 0)::float8 AS amount
                     FROM (%s) tx
                    WHERE day <= %s AND partner_id IS NOT NULL
                 GROUP BY partner_id, day""",
                Snapshot._transactions_sql(company, source),
                holdout_end,
            )
        )
        return rows["partner_id"], rows["day"], rows["amount"]

    @api.model
    def _result_values(self, result):
        """The stored figures of a ``modelcheck.Check``."""
        r, alpha, a, b = result.bgnbd_fit.params
        errors = result.errors
        values = {
            "customer_count": int(result.summary.partner.size),
            "repeat_customer_count": int((result.summary.frequency > 0).sum()),
            "bgnbd_r": r,
            "bgnbd_alpha": alpha,
            "bgnbd_a": a,
            "bgnbd_b": b,
            "bgnbd_log_likelihood": result.bgnbd_fit.log_likelihood,
            "is_converged": result.bgnbd_fit.converged,
            "holdout_actual": errors["holdout_actual"],
            "holdout_predicted": errors["holdout_predicted"],
            "tracking_mae": errors["tracking_mae"],
            "tracking_total": errors["tracking_total"],
            "conditional_mae": errors["conditional_mae"],
            "conditional_total": errors["conditional_total"],
            "value_mae": errors["value_mae"] or 0.0,
            "value_total": errors["value_total"] or 0.0,
            "has_value_model": result.gammagamma_fit is not None,
        }
        if result.gammagamma_fit is not None:
            p, q, gamma = result.gammagamma_fit.params
            values.update(
                gg_p=p,
                gg_q=q,
                gg_gamma=gamma,
                gg_log_likelihood=result.gammagamma_fit.log_likelihood,
            )
        return values

    @api.model
    def _default_source(self):
        """The segmentation's setting: invoices or samples."""
        return (
            self.env["lab.segment.snapshot"]
            ._settings()
            .get("transactions", DEFAULTS["transactions"])
        )
