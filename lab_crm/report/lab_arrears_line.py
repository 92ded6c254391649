from odoo import api, fields, models
from odoo.tools import SQL

# Aging buckets by days past the due date, as in Odoo's aged receivable report.
BUCKETS = [
    ("not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("over_90", "Over 90 days"),
]


def receivable_lines_sql(today, customer_ids=None, paid_since=None):
    """The posted receivable journal items with their customer (commercial
    partner), days past due on ``today`` and ``paid_date``, the day an invoice
    item was paid in full (``lab_paid_date``; NULL when not paid, or paid before
    ``paid_since``): the rows everything else reads.

    The accounts are given as an array rather than joined: PostgreSQL then
    estimates the number of receivable items sensibly (a join with the few
    receivable accounts makes it expect a handful of rows, and plan for that).

    With ``customer_ids`` (commercial partners), only their items: what a check
    on a few customers reads, instead of every customer's."""
    only_customers = (
        SQL(
            """AND aml.partner_id IN (
                   SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s))""",
            list(customer_ids),
        )
        if customer_ids is not None
        else SQL()
    )
    return SQL(
        """
        SELECT aml.id,
               aml.company_id,
               partner.commercial_partner_id AS partner_id,
               aml.move_id,
               aml.date,
               COALESCE(aml.date_maturity, aml.date) AS date_due,
               %(today)s::date - COALESCE(aml.date_maturity, aml.date) AS days_overdue,
               aml.balance,
               aml.amount_residual,
               aml.reconciled,
               %(paid_date)s AS paid_date
          FROM account_move_line aml
          JOIN res_partner partner ON partner.id = aml.partner_id
         WHERE aml.parent_state = 'posted'
           AND aml.partner_id IS NOT NULL
           AND aml.account_id = ANY(ARRAY(
                   SELECT id FROM account_account
                    WHERE account_type = 'asset_receivable'))
           %(only_customers)s
        """,
        only_customers=only_customers,
        today=today,
        paid_date=SQL(
            "CASE WHEN aml.lab_paid_date >= %s THEN aml.lab_paid_date END", paid_since
        )
        if paid_since
        else SQL("aml.lab_paid_date"),
    )


class LabArrearsLine(models.Model):
    """Open receivable items by aging bucket: the aging report and its drill-down."""

    _name = "lab.arrears.line"
    _description = "Open Receivable Item"
    _auto = False
    _order = "date_due, id"
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "balance",
            "company_id",
            "date",
            "date_maturity",
            "move_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "res.partner": ["commercial_partner_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    date = fields.Date(string="Invoice Date", readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_residual = fields.Monetary(string="Open Amount", readonly=True)

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            SELECT line.id, line.company_id, line.partner_id, line.move_id, line.date,
                   line.date_due, GREATEST(line.days_overdue, 0) AS days_overdue,
                   CASE WHEN line.days_overdue <= 0 THEN 'not_due'
                        WHEN line.days_overdue <= 30 THEN '1_30'
                        WHEN line.days_overdue <= 60 THEN '31_60'
                        WHEN line.days_overdue <= 90 THEN '61_90'
                        ELSE 'over_90' END AS bucket,
                   line.amount_residual
              FROM (%s) line
             WHERE line.amount_residual != 0
            """,
            receivable_lines_sql(today),
        )

    @api.readonly
    def action_open_invoice(self):
        self.check_access("read")
        self.ensure_one()
        return self.move_id._get_records_action()
