"""19.0.1.4.0 keeps each issued report as a version (lab.report.version) with a
verification code. The reports issued before it get their first version now:
the sample's report number, date and file, a new verification code, and the
SHA-256 of the file as it was issued. The file is not stamped: the customer
holds it already, and the verification page still recognises it (by its code,
or by the file uploaded there)."""

import base64
import hashlib

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    samples = env["lab.sample"].search(
        [
            ("state", "in", ("reported", "delivered")),
            ("report_number", "!=", False),
            ("report_version_ids", "=", False),
        ]
    )
    Version = env["lab.report.version"]
    vals_list = []
    for sample in samples.with_context(bin_size=False):
        pdf = base64.b64decode(sample.report_file) if sample.report_file else b""
        vals_list.append(
            {
                "name": sample.report_number,
                "company_id": sample.company_id.id,
                "partner_id": sample.partner_id.id,
                "sample_id": sample.id,
                "version": 1,
                "report_date": sample.report_date or sample.write_date.date(),
                "file": sample.report_file or False,
                "filename": sample.report_filename or False,
                "sha256": pdf and hashlib.sha256(pdf).hexdigest(),
            }
        )
    Version.create(vals_list)
