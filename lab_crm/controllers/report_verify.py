import hashlib

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import request

from ..models.lab_report_version import (
    CODE_ALPHABET,
    CODE_LENGTH,
    group_code,
    normalize_code,
)

MAX_NUMBER = 64  # characters of a report number
MAX_VERIFY_UPLOAD = 20 * 1024 * 1024  # bytes of a compared PDF


def mask_name(name):
    """The name with its middle hidden: its first and last quarter kept (at least
    one character each), e.g. 上海华测检测有限公司 -> 上海******公司."""
    name = (name or "").strip()
    if len(name) <= 2:
        return name[:1] + "*" * (len(name) - 1)
    keep = max(1, len(name) // 4)
    return name[:keep] + "*" * (len(name) - 2 * keep) + name[-keep:]


class LabReportVerify(http.Controller):
    """The public report-verification page (报告防伪查询): a visitor types a
    report number and its verification code, or scans the report's QR code,
    and may compare a PDF they hold with the issued one.

    An unknown number and a wrong code are one answer (one query on both,
    one template, one text); lookups per address are limited and logged."""

    @http.route(
        "/report/verify",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
        # A lookup changes nothing but its log row and needs no session: no
        # CSRF token, so that the page reached by a QR code and the page after
        # a form are the same, and a visitor's upload works without a session.
        csrf=False,
    )
    def lab_report_verify(self, number=None, code=None, report_pdf=None, **kw):
        number = (number or "").strip()[:MAX_NUMBER]
        values = {"number": number, "code": group_code(normalize_code(code)[:20])}
        if not number and not code:
            return request.render("lab_crm.report_verify_page", values)
        Log = request.env["lab.report.verification"].sudo()
        address_hash = Log._lab_address_hash(request.httprequest.remote_addr)
        limit = Log._lab_rate_limit()
        if limit and Log._lab_recent_count(address_hash) >= limit:
            values["rate_limited"] = True
            return request.render("lab_crm.report_verify_page", values, status=429)
        version = self._lab_find_version(number, normalize_code(code))
        file_result = self._lab_compare_file(version, report_pdf)
        Log.create(
            {
                "is_found": bool(version),
                "version_id": version.id,
                "company_id": (version.company_id or request.env.company).id,
                "address_hash": address_hash,
                "file_result": file_result,
            }
        )
        values.update(
            searched=True,
            version=version,
            file_result=file_result,
            **(self._lab_version_values(version) if version else {}),
        )
        return request.render("lab_crm.report_verify_page", values)

    def _lab_find_version(self, number, code):
        """The version of ``number`` whose code is ``code``, or none: one query
        on both, so an unknown number and a wrong code take the same path."""
        Version = request.env["lab.report.version"].sudo()
        if len(code) != CODE_LENGTH or set(code) - set(CODE_ALPHABET):
            code = "-"  # cannot match: still the same query
        return Version.search(
            [("name", "=", number), ("verification_code", "=", code)], limit=1
        )

    def _lab_compare_file(self, version, upload):
        """'identical' or 'different' when a file was uploaded, else False."""
        if not upload or not hasattr(upload, "read"):
            return False
        data = upload.read(MAX_VERIFY_UPLOAD + 1)
        if not version:
            return False
        same = hashlib.sha256(data).hexdigest() == version.sha256
        return "identical" if same else "different"

    def _lab_version_values(self, version):
        sample = version.sample_id
        customer = version.partner_id.commercial_partner_id.name or ""
        company = version.company_id
        return {
            "laboratory": company.name,
            "customer": mask_name(customer)
            if company.lab_report_mask_customer
            else customer,
            "sample_name": sample.sample_name,
            "report_date": fields.Date.to_string(version.report_date),
            "withdrawn_date": fields.Date.to_string(version.withdrawn_date),
            "scope": sample._lab_report_scope(),
        }


class LabReportAcknowledge(http.Controller):
    """The customer's contact acknowledges receipt of a delivered report."""

    @http.route(
        "/my/samples/<int:sample_id>/report/acknowledge",
        type="http",
        auth="user",
        methods=["POST"],
    )
    def lab_report_acknowledge(self, sample_id, **kw):
        sample = request.env["lab.sample"].browse(sample_id).exists()
        # Record rules: a portal user reads its own customer's samples only.
        # Only the customer's own contacts acknowledge.
        if not sample or not sample.has_access("read"):
            raise NotFound()
        if not sample._lab_portal_contact(request.env.user):
            raise NotFound()
        # Once per contact.
        sample._lab_record_portal_event("acknowledged", request.env.user)
        return request.redirect(f"/my/samples/{sample.id}")
