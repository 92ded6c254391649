"""A customer's revenue, as the segmentation, the customer profile and the staff
KPIs count it: one SQL builder, so that they count the same."""

from odoo.tools import SQL


def revenue_sql(date_from=None, date_to=None, company_id=None, customer_ids=None):
    """The revenue rows: one per posted customer invoice or credit note, with its
    ``company_id``, its customer ``partner_id`` (commercial partner), its
    ``invoice_date``, ``is_invoice`` (false for a credit note) and its ``amount``:
    untaxed, in company currency, negative for a credit note
    (``amount_untaxed_signed``). Summed, the revenue of a period: posted invoices
    minus credit notes.

    Optional bounds: the invoice dates from ``date_from`` to ``date_to``
    (included), one company, the customers ``customer_ids`` (commercial
    partners). A caller that sums several periods in one pass reads the rows of
    all of them and sums each with a FILTER."""
    conditions = [
        SQL("move.state = 'posted'"),
        SQL("move.move_type IN ('out_invoice', 'out_refund')"),
    ]
    if date_from:
        conditions.append(SQL("move.invoice_date >= %s", date_from))
    if date_to:
        conditions.append(SQL("move.invoice_date <= %s", date_to))
    if company_id:
        conditions.append(SQL("move.company_id = %s", company_id))
    if customer_ids is not None:
        conditions.append(SQL("move.commercial_partner_id = ANY(%s)", customer_ids))
    return SQL(
        """
        SELECT move.company_id,
               move.commercial_partner_id AS partner_id,
               move.invoice_date,
               move.move_type = 'out_invoice' AS is_invoice,
               move.amount_untaxed_signed AS amount
          FROM account_move move
         WHERE %s
        """,
        SQL(" AND ").join(conditions),
    )
