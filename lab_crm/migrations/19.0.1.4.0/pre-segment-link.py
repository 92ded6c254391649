"""19.0.1.4.0 no longer stores the customer's link to its latest segment
snapshot (``res_partner.lab_segment_snapshot_id``, a JSON object per company
that every segmentation run rewrote for every customer): the link is now the
newest snapshot row of the customer in the current company, read from the
snapshots themselves. The column is dropped; the snapshots, which it only
pointed at, are all kept. The snapshots' index on the customer alone gives way
to one on (customer, company, date, id), which finds each customer's latest row."""

from odoo.tools import SQL
from odoo.tools.sql import column_exists


def migrate(cr, version):
    if column_exists(cr, "res_partner", "lab_segment_snapshot_id"):
        cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN lab_segment_snapshot_id"))
    cr.execute(SQL("DROP INDEX IF EXISTS lab_segment_snapshot__partner_id_index"))
