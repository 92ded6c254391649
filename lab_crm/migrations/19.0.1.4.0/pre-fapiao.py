"""19.0.1.4.0 adds the fapiao type (普通发票 / 增值税专用发票) to sale orders,
samples and journal entries, as stored fields computed from the customer. Left
to the update, Odoo would compute them for every existing row through the ORM
(every journal entry of the ledger): the columns are made here and filled in SQL
instead, as the update would fill them:

- a sale order and a sample: "general" (no customer has chosen another type
  yet);
- a draft customer invoice or credit note: "general", like them;
- every other entry: empty (a posted invoice was issued before the fapiao
  details existed: the fapiao export reads its customer's name and vat).
"""

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

FILLS = {
    "sale_order": SQL("TRUE"),
    "lab_sample": SQL("TRUE"),
    "account_move": SQL(
        "state = 'draft' AND move_type IN ('out_invoice', 'out_refund')"
    ),
}


def migrate(cr, version):
    for table, rows in FILLS.items():
        if column_exists(cr, table, "fapiao_type"):
            continue
        create_column(cr, table, "fapiao_type", "varchar")
        cr.execute(
            SQL(
                "UPDATE %s SET fapiao_type = 'general' WHERE %s",
                SQL.identifier(table),
                rows,
            )
        )
