from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
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
            "lab_paid_date",
        ],
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
        return self._query()

    # The query, in parts ----------------------------------------------------------

    def _query(self, customer_ids=None):
        """Every customer's row (one per customer and company), or only the rows
        of the commercial partners ``customer_ids``: then only their receivable
        items are read."""
        return SQL(
            "WITH item AS (%s) SELECT %s FROM %s WHERE %s",
            self._item(customer_ids),
            self._select(),
            self._from(),
            self._where(),
        )

    def _item(self, customer_ids=None):
        """One pass over the receivable items, grouped by customer (commercial
        partner) and company: the bucket sums and the payment figures.

        An invoice item's payment date is stored on it (lab_paid_date, the latest
        of its reconciliations), so no other table is read per item. GREATEST
        ignores NULLs, hence the days-late figures filter on a payment; the oldest
        overdue invoice is the least [-days overdue, move] pair. Amounts are
        summed per item as float8 (numeric sums cost a fifth of the query). The
        buckets compare due dates with fixed days rather than computing each
        item's days overdue once per bucket."""
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT line.partner_id, line.company_id, MIN(line.id) AS id,
                   SUM(line.amount_residual::float8)
                       FILTER (WHERE line.date_due >= %(today)s) AS amount_not_due,
                   SUM(line.amount_residual::float8)
                       FILTER (WHERE line.date_due BETWEEN %(due_30)s AND %(due_1)s)
                       AS amount_1_30,
                   SUM(line.amount_residual::float8)
                       FILTER (WHERE line.date_due BETWEEN %(due_60)s AND %(due_31)s)
                       AS amount_31_60,
                   SUM(line.amount_residual::float8)
                       FILTER (WHERE line.date_due BETWEEN %(due_90)s AND %(due_61)s)
                       AS amount_61_90,
                   SUM(line.amount_residual::float8)
                       FILTER (WHERE line.date_due < %(due_90)s) AS amount_over_90,
                   MIN(ARRAY[-line.days_overdue, line.move_id]) FILTER (
                       WHERE line.date_due < %(today)s AND line.amount_residual > 0
                   ) AS oldest,
                   BOOL_OR(line.amount_residual != 0) AS has_open,
                   COUNT(line.paid_date) AS paid_count,
                   SUM(GREATEST(line.paid_date - line.date_due, 0))
                       FILTER (WHERE line.paid_date IS NOT NULL) AS days_late,
                   SUM(GREATEST(line.paid_date - line.date_due, 0)
                       * line.balance::float8)
                       FILTER (WHERE line.paid_date IS NOT NULL) AS balance_days_late,
                   SUM(line.balance::float8)
                       FILTER (WHERE line.paid_date IS NOT NULL) AS paid_balance,
                   COUNT(*) FILTER (WHERE line.paid_date <= line.date_due)
                       AS on_time_count
              FROM (%(lines)s) line
          GROUP BY line.partner_id, line.company_id
            """,
            lines=receivable_lines_sql(
                today,
                customer_ids=customer_ids,
                paid_since=today - relativedelta(months=24),
            ),
            today=today,
            **{
                f"due_{days}": today - relativedelta(days=days)
                for days in (1, 30, 31, 60, 61, 90)
            },
        )

    def _select(self):
        """The fields, from the customer's sums (``item``) and its company's
        currency units (``money``)."""
        today = fields.Date.context_today(self)
        amounts = self._amount_sql()
        return SQL(
            """
            item.id, item.partner_id, item.company_id,
            %(amount_open)s AS amount_open,
            %(amount_overdue)s AS amount_overdue,
            %(amount_not_due)s AS amount_not_due,
            %(amount_1_30)s AS amount_1_30,
            %(amount_31_60)s AS amount_31_60,
            %(amount_61_90)s AS amount_61_90,
            %(amount_over_90)s AS amount_over_90,
            %(today)s::date + item.oldest[1] AS oldest_overdue_date,
            item.oldest[2] AS oldest_overdue_move_id,
            COALESCE(-item.oldest[1], 0) AS max_days_overdue,
            item.paid_count::int AS paid_invoice_count,
            COALESCE(item.days_late::float8 / NULLIF(item.paid_count, 0), 0)
                AS avg_days_late,
            COALESCE(item.balance_days_late / NULLIF(item.paid_balance, 0), 0)
                AS weighted_days_late,
            COALESCE(100.0 * item.on_time_count / NULLIF(item.paid_count, 0), 0)
                ::float8 AS on_time_share
            """,
            today=today,
            **amounts,
        )

    def _from(self):
        return SQL(
            """
            item
            JOIN (SELECT company.id,
                         POWER(10.0::float8, currency.decimal_places) AS units
                    FROM res_company company
                    JOIN res_currency currency ON currency.id = company.currency_id
                 ) money ON money.id = item.company_id
            """
        )

    def _where(self):
        """Customers with an open item, or an invoice paid in the last 24 months."""
        return SQL("item.has_open OR item.paid_count > 0")

    # Reading -------------------------------------------------------------------

    @contextmanager
    def _without_jit(self):
        """PostgreSQL's JIT compiles this query's hundred expressions at a cost
        (seconds at 100,000 customers) above what it saves: off while it runs,
        then back to what it was (on an error, the rollback restores it)."""
        cr = self.env.cr
        cr.execute("SELECT current_setting('jit'), set_config('jit', 'off', TRUE)")
        [previous, _off] = cr.fetchone()
        yield
        cr.execute(SQL("SELECT set_config('jit', %s, TRUE)", previous))

    def _fetch_query(self, query, fields):
        with self._without_jit():
            return super()._fetch_query(query, fields)

    @api.model
    def _read_group(self, *args, **kwargs):
        with self._without_jit():
            return super()._read_group(*args, **kwargs)

    @api.model
    def search_count(self, domain, limit=None):
        with self._without_jit():
            return super().search_count(domain, limit=limit)

    @api.model
    def _figures(self, customers, company=None):
        """The arrears of ``customers`` (commercial partners) in ``company`` (by
        default the current one), read now: ``{customer: {field: value}}``, the
        invoice a many2one's record, a customer without arrears left out. Only
        their receivable items are read (a sale order confirmation must not
        aggregate every customer's), and nothing is cached: no stale figures."""
        self.check_access("read")
        company = company or self.env.company
        for model, field_names in self._depends.items():
            self.env[model].flush_model(field_names)
        with self._without_jit():
            rows = self.env.execute_query_dict(
                SQL(
                    "SELECT * FROM (%s) arrears WHERE arrears.company_id = %s",
                    self._query(customers.ids),
                    company.id,
                )
            )
        Partner, Move = self.env["res.partner"], self.env["account.move"]
        return {
            Partner.browse(row["partner_id"]): {
                **row,
                "partner_id": Partner.browse(row["partner_id"]),
                "company_id": company,
                "oldest_overdue_move_id": Move.browse(row["oldest_overdue_move_id"]),
            }
            for row in rows
        }

    @staticmethod
    def _amount_sql():
        """The customer's amounts from its bucket sums: each item falls in
        one bucket, so the open and overdue amounts are sums of buckets rather
        than two more sums over the items; each rounded to the currency's units
        (cents)."""
        buckets = {
            name: SQL("COALESCE(item.%s, 0)", SQL.identifier(name))
            for name in (
                "amount_not_due",
                "amount_1_30",
                "amount_31_60",
                "amount_61_90",
                "amount_over_90",
            )
        }
        overdue = SQL(" + ").join(
            buckets[name]
            for name in (
                "amount_1_30",
                "amount_31_60",
                "amount_61_90",
                "amount_over_90",
            )
        )
        totals = {
            **buckets,
            "amount_overdue": overdue,
            "amount_open": SQL("%s + %s", buckets["amount_not_due"], overdue),
        }
        return {
            name: SQL("ROUND((%s) * money.units) / money.units", total)
            for name, total in totals.items()
        }
