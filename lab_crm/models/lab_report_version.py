import base64
import hashlib
import io
import secrets
from urllib.parse import urlencode

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import PdfReader, PdfReadError, PdfWriter
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Crockford's base 32: digits and capitals without I, L, O and U, so that a code
# typed by hand cannot confuse 1 with I or L, 0 with O.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_SIZE = 4
CODE_LENGTH = CODE_GROUPS * CODE_GROUP_SIZE  # 16 characters of 5 bits: 80 bits
# What a visitor may type for a character of the alphabet (Crockford's rule).
CODE_READS_AS = str.maketrans("ILO", "110")
QR_SIZE = 64  # points (about 22 mm)
QR_MARGIN = 20  # points from the page's bottom right corner

VERSION_STATES = [
    ("valid", "Valid"),
    ("superseded", "Superseded"),
    ("withdrawn", "Withdrawn"),
]


def new_verification_code():
    """A random code of ``CODE_LENGTH`` characters of ``CODE_ALPHABET``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalize_code(typed):
    """The code as stored, from what a visitor typed: capitals, without the
    group separators and spaces, Crockford's look-alikes read as digits."""
    cleaned = "".join(str(typed or "").split()).replace("-", "").upper()
    return cleaned.translate(CODE_READS_AS)


def group_code(code):
    """The code as printed: groups of ``CODE_GROUP_SIZE`` joined by hyphens."""
    return "-".join(
        code[i : i + CODE_GROUP_SIZE] for i in range(0, len(code), CODE_GROUP_SIZE)
    )


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


class LabReportVersion(models.Model):
    """One issued report of a sample (检测报告): its number, date and PDF as
    delivered, stamped with the QR code of its verification page and its
    verification code, and its status. An amendment is a new version that
    supersedes the one before; a withdrawn report has no successor.

    Only the laboratory reads versions (the customer reads them in the portal's
    sample page); they are written by the sample's workflow and the amendment
    wizard, never directly.
    """

    _name = "lab.report.version"
    _description = "Report Version"
    _inherit = ["lab.customer.document"]
    _order = "sample_id, version desc, id desc"
    _lab_document_kind = _lt("Report")
    _lab_customer_links = ("sample_id",)

    sample_id = fields.Many2one(
        "lab.sample", required=True, index=True, ondelete="restrict", readonly=True
    )
    version = fields.Integer(required=True, default=1, readonly=True)
    report_date = fields.Date(required=True, readonly=True)
    file = fields.Binary(
        string="Report File",
        attachment=True,
        readonly=True,
        groups="base.group_user",  # the customer downloads it from the portal
    )
    filename = fields.Char(readonly=True)
    sha256 = fields.Char(string="SHA-256", readonly=True)
    verification_code = fields.Char(
        string="Code (stored)",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: new_verification_code(),
    )
    verification_code_display = fields.Char(
        string="Verification Code", compute="_compute_verification_code_display"
    )
    state = fields.Selection(
        VERSION_STATES,
        string="Status",
        required=True,
        default="valid",
        readonly=True,
        tracking=True,
    )
    supersedes_id = fields.Many2one("lab.report.version", readonly=True, index=True)
    superseded_by_id = fields.Many2one("lab.report.version", readonly=True)
    reason = fields.Text(
        readonly=True, help="Why this version was amended or withdrawn."
    )
    withdrawn_date = fields.Date(readonly=True)
    delivery_ids = fields.One2many(
        "lab.report.delivery", "version_id", string="Delivery Events", readonly=True
    )
    verification_count = fields.Integer(
        string="Verifications", compute="_compute_verification_count"
    )

    _verification_code_uniq = models.Constraint(
        "UNIQUE (verification_code)",
        "This verification code is already used.",
    )
    _name_company_uniq = models.Constraint(
        "UNIQUE (company_id, name)",
        "This report number is already used in this company.",
    )

    @api.depends("verification_code")
    def _compute_verification_code_display(self):
        for version in self:
            version.verification_code_display = group_code(
                version.verification_code or ""
            )

    def _compute_verification_count(self):
        counts = dict(
            self.env["lab.report.verification"]
            .sudo()
            ._read_group([("version_id", "in", self.ids)], ["version_id"], ["__count"])
        )
        for version in self:
            version.verification_count = counts.get(version._origin.sudo(), 0)

    def _lab_reference_sequence(self, company):
        # A version is named by its report number, given on creation.
        raise UserError(self.env._("A report version needs its report number."))

    def _lab_team_roles(self):
        return ("user_id",)

    # Business methods

    def _verification_url(self):
        self.ensure_one()
        query = urlencode({"number": self.name, "code": self.verification_code})
        return f"{self.sample_id.get_base_url()}/report/verify?{query}"

    def _lab_attach_file(self, pdf, filename):
        """Stamp ``pdf`` (bytes) with the version's QR code and verification
        code, store the stamped file and its SHA-256, and return it."""
        self.ensure_one()
        stamped = self._stamp_pdf(pdf)
        self.sudo().write(
            {
                "file": base64.b64encode(stamped),
                "filename": filename or f"{self.name}.pdf",
                "sha256": sha256_hex(stamped),
            }
        )
        return stamped

    def _stamp_pdf(self, pdf):
        """``pdf`` with, at the bottom right of its first page, the QR code of
        the verification page and the grouped verification code under it."""
        self.ensure_one()
        try:
            reader = PdfReader(io.BytesIO(pdf), strict=False)
            first = reader.pages[0]
        except (PdfReadError, ValueError, KeyError, IndexError) as error:
            raise UserError(
                self.env._(
                    "The report of sample %(name)s cannot be read as a PDF file: "
                    "%(error)s",
                    name=self.sample_id.name,
                    error=error,
                )
            ) from error
        width = float(abs(first.mediabox.width))
        height = float(abs(first.mediabox.height))
        overlay = PdfReader(io.BytesIO(self._qr_overlay(width, height)))
        first.merge_page(overlay.pages[0])
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        output = io.BytesIO()
        writer.write(output)
        return output.getvalue()

    def _qr_overlay(self, width, height):
        """A one-page PDF of the page's size with the QR code and the code."""
        from reportlab.graphics import renderPDF  # noqa: PLC0415
        from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: PLC0415
        from reportlab.graphics.shapes import Drawing  # noqa: PLC0415
        from reportlab.pdfgen import canvas  # noqa: PLC0415

        packet = io.BytesIO()
        can = canvas.Canvas(packet, pagesize=(width, height))
        widget = QrCodeWidget(self._verification_url())
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(
            QR_SIZE,
            QR_SIZE,
            transform=[QR_SIZE / (x1 - x0), 0, 0, QR_SIZE / (y1 - y0), 0, 0],
        )
        drawing.add(widget)
        left = width - QR_SIZE - QR_MARGIN
        renderPDF.draw(drawing, can, left, QR_MARGIN)
        can.setFont("Helvetica", 7)
        can.drawRightString(
            width - QR_MARGIN, QR_MARGIN - 8, group_code(self.verification_code)
        )
        can.save()
        return packet.getvalue()

    def _lab_recipients(self):
        """The contacts who received this version (its 'sent' deliveries), or
        those it would be sent to."""
        self.ensure_one()
        sent = self.delivery_ids.filtered(lambda d: d.event == "sent").partner_id
        return sent or self.sample_id._lab_report_recipients()

    def _lab_notify(self, template_xmlid, recipients):
        """Post ``template_xmlid`` on the version to ``recipients`` (the e-mail
        is queued) and record its sending to each of them."""
        self.ensure_one()
        recipients = recipients.filtered("email")
        if not recipients:
            return
        template = self.env.ref(template_xmlid)
        message = (
            self.sudo()
            .with_context(mail_notify_force_send=False)
            .message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=recipients.ids,
            )
        )
        self.env["lab.report.delivery"]._lab_record(
            self, recipients, "sent", message=message
        )
