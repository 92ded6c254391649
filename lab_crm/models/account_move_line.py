from odoo import api, fields, models
from odoo.tools import SQL


def init_paid_date(cr):
    """Fills ``lab_paid_date`` in SQL for the journal items already reconciled,
    before the ORM sees the new column (install on a database with a ledger,
    upgrade from a version without it), so that it does not recompute them one
    by one."""
    cr.execute(
        SQL(
            """
            ALTER TABLE account_move_line ADD COLUMN IF NOT EXISTS lab_paid_date date;
            UPDATE account_move_line line
               SET lab_paid_date = paid.max_date
              FROM (SELECT debit_move_id, MAX(max_date) AS max_date
                      FROM account_partial_reconcile
                  GROUP BY debit_move_id) paid
             WHERE paid.debit_move_id = line.id
               AND line.reconciled AND line.balance > 0;
            """
        )
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Stored, so that the arrears figures and the payment-risk history read the
    # payment date of every invoice from the journal items alone, without
    # aggregating the partial reconciliations on each read.
    lab_paid_date = fields.Date(
        string="Paid On",
        compute="_compute_lab_paid_date",
        store=True,
        copy=False,
        help="For a debit item fully reconciled (an invoice paid): the date of its "
        "last reconciliation, i.e. of the payment or credit note that settled it.",
        groups="base.group_user",
    )

    @api.depends("reconciled", "balance", "matched_credit_ids.max_date")
    def _compute_lab_paid_date(self):
        for line in self:
            line.lab_paid_date = (
                line.reconciled
                and line.balance > 0
                and max(line.matched_credit_ids.mapped("max_date"), default=False)
            )
