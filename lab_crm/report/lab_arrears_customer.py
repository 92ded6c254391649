from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from .lab_arrears_line import receivable_lines_sql


class LabArrearsCustomer(models.Model):
    """A customer's arrears in one company, from its posted receivable items and
    their reconciliations, for all customers in one set-based query.

    Amounts are in company currency (journal items' balances and residuals), so
    foreign-currency invoices, partial payments and refunds (negative residuals)
    count as the ledger does. Days late: for each invoice item fully paid in the
    last 24 months, the days between its due date and its last payment (0 if on
    time); the average, the amount-weighted average, and the share paid on time.
    """

    _name = "lab.arrears.customer"
    _description = "Customer Arrears"
    _auto = False
    _order = "amount_overdue desc, id"
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "balance",
            "company_id",
            "date",
            "date_maturity",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "account.partial.reconcile": ["debit_move_id", "max_date"],
        "res.partner": ["commercial_partner_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_open = fields.Monetary(string="Open Receivable", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True)
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    amount_over_90 = fields.Monetary(string="Over 90 Days", readonly=True)
    oldest_overdue_date = fields.Date(string="Oldest Overdue Due Date", readonly=True)
    oldest_overdue_move_id = fields.Many2one(
        "account.move", string="Oldest Overdue Invoice", readonly=True
    )
    max_days_overdue = fields.Integer(string="Days Overdue (oldest)", readonly=True)
    paid_invoice_count = fields.Integer(
        string="Invoices Paid (24 months)", readonly=True
    )
    avg_days_late = fields.Float(
        string="Average Days Late", readonly=True, digits=(16, 1)
    )
    weighted_days_late = fields.Float(
        string="Amount-Weighted Days Late", readonly=True, digits=(16, 1)
    )
    on_time_share = fields.Float(
        string="Paid on Time (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH line AS (%(lines)s),
            open AS (
                SELECT partner_id, company_id,
                       SUM(amount_residual) AS amount_open,
                       SUM(amount_residual) FILTER (WHERE days_overdue > 0)
                           AS amount_overdue,
                       SUM(amount_residual) FILTER (WHERE days_overdue <= 0)
                           AS amount_not_due,
                       SUM(amount_residual)
                           FILTER (WHERE days_overdue BETWEEN 1 AND 30)
                           AS amount_1_30,
                       SUM(amount_residual)
                           FILTER (WHERE days_overdue BETWEEN 31 AND 60)
                           AS amount_31_60,
                       SUM(amount_residual)
                           FILTER (WHERE days_overdue BETWEEN 61 AND 90)
                           AS amount_61_90,
                       SUM(amount_residual) FILTER (WHERE days_overdue > 90)
                           AS amount_over_90,
                       MIN(date_due) FILTER (
                           WHERE days_overdue > 0 AND amount_residual > 0
                       ) AS oldest_overdue_date,
                       (ARRAY_AGG(move_id ORDER BY date_due, id) FILTER (
                           WHERE days_overdue > 0 AND amount_residual > 0
                       ))[1] AS oldest_overdue_move_id
                  FROM line
                 WHERE amount_residual != 0
              GROUP BY partner_id, company_id
            ),
            paid_item AS (
                SELECT line.id, line.partner_id, line.company_id, line.balance,
                       GREATEST(MAX(part.max_date) - line.date_due, 0) AS days_late
                  FROM line
                  JOIN account_partial_reconcile part
                    ON part.debit_move_id = line.id
                 WHERE line.reconciled AND line.balance > 0
              GROUP BY line.id, line.partner_id, line.company_id, line.balance,
                       line.date_due
                HAVING MAX(part.max_date) >= %(since)s
            ),
            paid AS (
                SELECT partner_id, company_id,
                       COUNT(*) AS paid_invoice_count,
                       AVG(days_late) AS avg_days_late,
                       SUM(days_late * balance) / NULLIF(SUM(balance), 0)
                           AS weighted_days_late,
                       100.0 * COUNT(*) FILTER (WHERE days_late = 0) / COUNT(*)
                           AS on_time_share
                  FROM paid_item
              GROUP BY partner_id, company_id
            ),
            customer AS (
                SELECT partner_id, company_id, MIN(id) AS id
                  FROM line
                 WHERE amount_residual != 0 OR id IN (SELECT id FROM paid_item)
              GROUP BY partner_id, company_id
            )
            SELECT customer.id, customer.partner_id, customer.company_id,
                   COALESCE(open.amount_open, 0) AS amount_open,
                   COALESCE(open.amount_overdue, 0) AS amount_overdue,
                   COALESCE(open.amount_not_due, 0) AS amount_not_due,
                   COALESCE(open.amount_1_30, 0) AS amount_1_30,
                   COALESCE(open.amount_31_60, 0) AS amount_31_60,
                   COALESCE(open.amount_61_90, 0) AS amount_61_90,
                   COALESCE(open.amount_over_90, 0) AS amount_over_90,
                   open.oldest_overdue_date,
                   open.oldest_overdue_move_id,
                   COALESCE(%(today)s::date - open.oldest_overdue_date, 0)
                       AS max_days_overdue,
                   COALESCE(paid.paid_invoice_count, 0) AS paid_invoice_count,
                   COALESCE(paid.avg_days_late, 0) AS avg_days_late,
                   COALESCE(paid.weighted_days_late, 0) AS weighted_days_late,
                   COALESCE(paid.on_time_share, 0) AS on_time_share
              FROM customer
         LEFT JOIN open USING (partner_id, company_id)
         LEFT JOIN paid USING (partner_id, company_id)
            """,
            lines=receivable_lines_sql(today),
            since=today - relativedelta(months=24),
            today=today,
        )
