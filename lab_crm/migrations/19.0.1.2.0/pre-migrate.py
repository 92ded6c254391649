"""Journal items gain ``lab_paid_date``: filled in SQL before the ORM would
recompute it item by item."""

from odoo.addons.lab_crm.models.account_move_line import init_paid_date


def migrate(cr, version):
    init_paid_date(cr)
