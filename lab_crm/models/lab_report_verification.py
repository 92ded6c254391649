import hashlib
import hmac
from datetime import timedelta

from odoo import api, fields, models

# Lookups of one address counted for the rate limit.
RATE_WINDOW = timedelta(minutes=10)


class LabReportVerification(models.Model):
    """A lookup on the public verification page (报告防伪查询): when, whether a
    report was found, the version found, whether a file was compared, and a
    keyed hash of the visitor's address (never the address itself). Lab CRM
    managers read them; only the page writes them."""

    _name = "lab.report.verification"
    _description = "Report Verification"
    _order = "lookup_datetime desc, id desc"

    lookup_datetime = fields.Datetime(
        string="When", required=True, default=fields.Datetime.now, readonly=True
    )
    is_found = fields.Boolean(string="Found", readonly=True)
    version_id = fields.Many2one(
        "lab.report.version", string="Report", readonly=True, index="btree_not_null"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    address_hash = fields.Char(required=True, readonly=True, index=True)
    file_result = fields.Selection(
        [("identical", "Identical"), ("different", "Different")],
        string="Compared File",
        readonly=True,
    )

    _address_recent_idx = models.Index("(address_hash, lookup_datetime DESC)")

    @api.model
    def _lab_address_hash(self, address):
        """SHA-256 HMAC of the address, keyed by the database's secret: the same
        address gives the same hash, which cannot be reversed by trying the
        4 billion IPv4 addresses without the secret."""
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hmac.new(
            (secret or "").encode(), (address or "").encode(), hashlib.sha256
        ).hexdigest()

    @api.model
    def _lab_rate_limit(self):
        """The lookups an address may make in ``RATE_WINDOW``: the page is the
        database's, shared by its companies, so the strictest of their limits
        (0: none)."""
        [(strictest,)] = (
            self.env["res.company"]
            .sudo()
            ._read_group(
                [("lab_report_verify_limit", ">", 0)],
                [],
                ["lab_report_verify_limit:min"],
            )
        )
        return strictest or 0

    @api.model
    def _lab_recent_count(self, address_hash):
        """The lookups of ``address_hash`` in the last ``RATE_WINDOW``."""
        since = fields.Datetime.now() - RATE_WINDOW
        return self.sudo().search_count(
            [("address_hash", "=", address_hash), ("lookup_datetime", ">=", since)]
        )
