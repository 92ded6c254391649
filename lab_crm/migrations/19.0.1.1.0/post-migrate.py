"""Segment snapshots no longer keep Odoo's audit columns (``_log_access``)."""


def migrate(cr, version):
    cr.execute(
        """ALTER TABLE lab_segment_snapshot
               DROP COLUMN IF EXISTS create_uid,
               DROP COLUMN IF EXISTS write_uid,
               DROP COLUMN IF EXISTS create_date,
               DROP COLUMN IF EXISTS write_date"""
    )
