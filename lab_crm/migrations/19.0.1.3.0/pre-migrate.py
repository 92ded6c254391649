"""The record rules are lab_crm's own and follow its files on every upgrade
(their files lost ``noupdate="1"``): the rules an earlier version installed
are marked updatable, so that this upgrade rewrites them with the corrected
domains and groups."""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        SQL(
            """
            UPDATE ir_model_data
               SET noupdate = FALSE
             WHERE module = 'lab_crm' AND model = 'ir.rule' AND noupdate
            """
        )
    )
