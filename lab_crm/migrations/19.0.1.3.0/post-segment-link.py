"""Customers read their segments through ``lab_segment_snapshot_id``, which each
segmentation run writes: link every customer to its latest snapshot in each
company now, so that an upgraded database shows them before the next run."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    Snapshot = env["lab.segment.snapshot"]
    for company in env["res.company"].search([]):  # pylint: disable=no-search-all
        Snapshot._link_latest(company)
