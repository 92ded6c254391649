"""Report versions (检测报告): issuing stamps the PDF with the QR code and the
verification code of its verification page, an amendment supersedes a version and
a withdrawal ends it; the public page verifies a report without enumeration, with
a rate limit and a log; the delivery to the customer's contacts leaves evidence."""

import base64
import hashlib
import hmac
import io
import math
import re
from urllib.parse import urlencode

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfReader

from odoo.addons.lab_crm.controllers.report_verify import mask_name
from odoo.addons.lab_crm.models.lab_report_version import (
    CODE_ALPHABET,
    CODE_LENGTH,
    group_code,
    normalize_code,
)

from .sample_common import LabSampleCommon


def make_pdf(*texts):
    """A PDF with one page per text (reportlab, as a laboratory's software would
    write it)."""
    from reportlab.pdfgen import canvas  # noqa: PLC0415

    buffer = io.BytesIO()
    can = canvas.Canvas(buffer)
    for text in texts:
        can.drawString(72, 720, text)
        can.showPage()
    can.save()
    return buffer.getvalue()


def rectangles(content):
    """The rectangles a PDF content stream fills (``x y w h re f*``), not
    those it clips to (``re W n``)."""
    return len(re.findall(rb"[\d.]+ [\d.]+ [\d.]+ [\d.]+ re\s+f\*", content))


class ReportCommon(LabSampleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(
            cls.env,
            login="portal_jiangnan",
            groups="base.group_portal",
            partner_id=cls.contact.id,
            name="Chen Li",
            email="chen.li@example.com",
        )
        cls.customer.name = "上海华测检测有限公司"
        cls.other = cls.env["res.partner"].create(
            {"name": "Huabei Steel", "is_company": True, "user_id": cls.lab_user.id}
        )
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Zhao Lei", "parent_id": cls.other.id, "email": "zhao@b.example"}
        )
        cls.portal_other = new_test_user(
            cls.env,
            login="portal_huabei",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
            name="Zhao Lei",
            email="zhao@b.example",
        )
        cls.original = make_pdf("Test report R-2026-0001", "Page two")

    @classmethod
    def _issued(cls, number, customer=None, contact=None, deliver=True, items=None):
        """A sample of ``customer`` tested (``items``: tensile strength and
        colour fastness by default), reported with ``number`` and a PDF
        (action_report), delivered."""
        contact = contact or cls.contact
        sample = cls._sample(
            customer or cls.customer, items=items, contact_id=contact.id
        )
        sample.write({"state": "review"})
        sample.write({"state": "testing"})
        sample.write(
            {
                "report_number": number,
                "report_file": base64.b64encode(make_pdf(f"Report {number}", "2")),
                "report_filename": f"{number}.pdf",
            }
        )
        sample.action_report()
        if deliver:
            sample.action_deliver()
        return sample

    def _change(self, sample, kind, user=None, **values):
        action = (
            sample.with_user(user or self.lab_user).action_amend_report()
            if (kind == "amend")
            else sample.with_user(user or self.lab_user).action_withdraw_report()
        )
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(user or self.lab_user)
            .with_context(**action["context"])
        )
        for fname, value in values.items():
            setattr(wizard, fname, value)
        wizard.save().action_confirm()
        return sample.report_version_ids.sorted("version")


@tagged("post_install", "-at_install")
class TestReportVersion(ReportCommon):
    def test_code_entropy_alphabet_and_uniqueness(self):
        # 32 symbols = 2**5: each character carries 5 bits; 16 characters carry
        # 16 * 5 = 80 bits, more than the 64 required.
        self.assertEqual(len(set(CODE_ALPHABET)), 32)
        self.assertEqual(CODE_LENGTH * math.log2(len(CODE_ALPHABET)), 80)
        first = self._issued("R-2026-0001").report_version_id
        second = self._issued("R-2026-0002").report_version_id
        for version in first | second:
            self.assertEqual(len(version.verification_code), 16)
            self.assertFalse(set(version.verification_code) - set(CODE_ALPHABET))
            # 4 groups of 4 characters and 3 hyphens: 19 characters to type.
            self.assertRegex(
                version.verification_code_display, r"^([0-9A-Z]{4}-){3}[0-9A-Z]{4}$"
            )
        self.assertNotEqual(first.verification_code, second.verification_code)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            second.sudo().write({"verification_code": first.verification_code})
            second.env.flush_all()
        # Typed in lower case, with spaces, O for 0 and I or L for 1: the same.
        self.assertEqual(
            normalize_code(" abcd-efgh o1il 2345 "), "ABCDEFGH0111" + "2345"
        )
        self.assertEqual(group_code("ABCDEFGH01112345"), "ABCD-EFGH-0111-2345")

    def test_issue_creates_version_one_with_stamped_pdf(self):
        sample = self._issued("R-2026-0001", deliver=False)
        version = sample.report_version_id
        self.assertRecordValues(
            version,
            [
                {
                    "name": "R-2026-0001",
                    "version": 1,
                    "state": "valid",
                    "partner_id": self.customer.id,
                    "report_date": sample.report_date,
                    "supersedes_id": False,
                }
            ],
        )
        stamped = base64.b64decode(version.file)
        # The stamped file is the sample's (the one delivered), hashed as stored.
        self.assertEqual(base64.b64decode(sample.report_file), stamped)
        self.assertEqual(version.sha256, hashlib.sha256(stamped).hexdigest())
        reader = PdfReader(io.BytesIO(stamped))
        self.assertEqual(len(reader.pages), 2)  # the report's two pages
        first, second = reader.pages[0], reader.pages[1]
        self.assertIn("Report R-2026-0001", first.extract_text())
        self.assertIn(version.verification_code_display, first.extract_text())
        self.assertNotIn(version.verification_code_display, second.extract_text())
        # The QR code: the modules reportlab draws for the verification URL,
        # one filled square each, on page 1 only.
        url = f"{sample.get_base_url()}/report/verify?" + urlencode(
            {"number": "R-2026-0001", "code": version.verification_code}
        )
        self.assertEqual(version._verification_url(), url)
        expected = rectangles(self._qr_alone(url))
        # A QR code has at least its 3 finder patterns of 33 dark modules each
        # (a 7x7 ring of 24 and a 3x3 centre of 9): 3 * 33 = 99.
        self.assertGreaterEqual(expected, 99)
        self.assertEqual(rectangles(first.get_contents().get_data()), expected)
        self.assertEqual(rectangles(second.get_contents().get_data()), 0)

    def _qr_alone(self, url):
        """The content stream of a page with nothing but reportlab's QR code of
        ``url``."""
        from reportlab.graphics import renderPDF  # noqa: PLC0415
        from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: PLC0415
        from reportlab.graphics.shapes import Drawing  # noqa: PLC0415
        from reportlab.pdfgen import canvas  # noqa: PLC0415

        buffer = io.BytesIO()
        can = canvas.Canvas(buffer)
        drawing = Drawing(64, 64)
        drawing.add(QrCodeWidget(url))
        renderPDF.draw(drawing, can, 0, 0)
        can.save()
        page = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
        return page.get_contents().get_data()

    def test_issued_report_changes_only_by_amendment(self):
        sample = self._issued("R-2026-0001")
        for vals in ({"report_number": "R-X"}, {"report_file": sample.report_file}):
            with self.assertRaisesRegex(UserError, "amend it"):
                sample.with_user(self.lab_user).write(vals)
        with self.assertRaisesRegex(UserError, "cannot be read as a PDF"):
            self._issued("R-2026-0009", deliver=False).write(
                {"report_file": base64.b64encode(b"%PDF-1.4 broken")}
            )

    def test_amendment_chain_and_notification(self):
        sample = self._issued("R-2026-0001")
        first = sample.report_version_id
        self.env["mail.mail"].search([]).unlink()
        versions = self._change(
            sample,
            "amend",
            report_number="R-2026-0001-A",
            report_file=base64.b64encode(make_pdf("Report R-2026-0001-A")),
            reason="Wrong batch number",
        )
        self.assertEqual(versions[0], first)
        second = versions[1]
        self.assertRecordValues(
            versions,
            [
                {
                    "version": 1,
                    "state": "superseded",
                    "superseded_by_id": second.id,
                    "supersedes_id": False,
                    "name": "R-2026-0001",
                },
                {
                    "version": 2,
                    "state": "valid",
                    "superseded_by_id": False,
                    "supersedes_id": first.id,
                    "name": "R-2026-0001-A",
                },
            ],
        )
        self.assertEqual(first.reason, "Wrong batch number")
        self.assertNotEqual(first.verification_code, second.verification_code)
        # The sample's report is the new version's stamped file.
        self.assertEqual(sample.report_number, "R-2026-0001-A")
        self.assertEqual(sample.report_file, second.file)
        self.assertEqual(sample.report_version_id, second)
        # The contact who received version 1 is told, and the sending recorded.
        mail = self.env["mail.mail"].search(
            [("model", "=", "lab.report.version"), ("res_id", "=", second.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.contact)
        self.assertIn("R-2026-0001-A", mail.body_html)
        self.assertIn("Wrong batch number", mail.body_html)
        self.assertRecordValues(
            second.delivery_ids,
            [{"partner_id": self.contact.id, "event": "sent", "send_state": "queued"}],
        )
        # The amended version may be withdrawn, and not amended again after.
        self._change(sample, "withdraw", reason="Sample was mislabelled")
        self.assertRecordValues(
            second,
            [
                {
                    "state": "withdrawn",
                    "reason": "Sample was mislabelled",
                    "withdrawn_date": sample.report_date.today(),
                }
            ],
        )
        self.assertFalse(sample._is_report_downloadable())
        withdrawn_mail = self.env["mail.mail"].search(
            [("subject", "=", "Report R-2026-0001-A withdrawn")]
        )
        self.assertEqual(withdrawn_mail.recipient_ids, self.contact)
        with self.assertRaisesRegex(UserError, "Only a delivered, valid report"):
            sample.with_user(self.lab_user).action_amend_report()

    def test_amendment_needs_reason_number_and_file(self):
        sample = self._issued("R-2026-0001")
        # The form requires the reason; blank, it is refused on save.
        with self.assertRaisesRegex(AssertionError, "reason is a required field"):
            self._change(
                sample,
                "amend",
                report_number="R-2026-0001-A",
                report_file=base64.b64encode(make_pdf("A")),
            )
        with self.assertRaisesRegex(ValidationError, "Give the reason"):
            self._change(
                sample,
                "amend",
                report_number="R-2026-0001-A",
                report_file=base64.b64encode(make_pdf("A")),
                reason="   ",
            )
        wizard = self.env["lab.report.change.wizard"].with_user(self.lab_user)
        for vals in (
            {},  # neither number nor file
            {"report_number": "R-2026-0001-A"},
            {"report_number": "R-2026-0001-A", "report_file": base64.b64encode(b"MZ")},
        ):
            with self.assertRaisesRegex(UserError, "new number and PDF file"):
                wizard.create(
                    {"sample_id": sample.id, "kind": "amend", "reason": "Typo", **vals}
                ).action_confirm()
        self.assertEqual(len(sample.report_version_ids), 1)
        # Not delivered yet: nothing to amend.
        reported = self._issued("R-2026-0002", deliver=False)
        with self.assertRaisesRegex(UserError, "Only a delivered, valid report"):
            reported.with_user(self.lab_user).action_withdraw_report()

    def test_only_lab_users_amend_or_withdraw(self):
        sample = self._issued("R-2026-0001")
        for user in (self.portal, new_test_user(self.env, login="clerk")):
            for method in ("action_amend_report", "action_withdraw_report"):
                with self.assertRaises(AccessError):
                    getattr(sample.with_user(user), method)()
            with self.assertRaises(AccessError):
                self.env["lab.report.change.wizard"].with_user(user).create(
                    {"sample_id": sample.id, "kind": "withdraw", "reason": "x"}
                ).action_confirm()

    def test_send_state_and_failure_activity(self):
        receiver = self.env["res.partner"].create(
            {
                "name": "Sun Mei",
                "parent_id": self.customer.id,
                "email": "sun@example.com",
                "lab_receives_reports": True,
                "lab_report_cc": "qa@example.com, boss@example.com",
            }
        )
        sample = self._issued("R-2026-0001", deliver=False)
        version = sample.report_version_id
        deliveries = version.delivery_ids
        self.assertEqual(deliveries.partner_id, self.contact | receiver)
        self.assertEqual(set(deliveries.mapped("send_state")), {"queued"})
        mails = self.env["mail.mail"].search(
            [("mail_message_id", "=", deliveries.message_id.id)]
        )
        cc = mails.filtered(lambda m: not m.recipient_ids)
        self.assertEqual(cc.email_to, "qa@example.com, boss@example.com")
        mail = mails - cc
        # Sent to Chen Li, failed for Sun Mei: one activity for the manager.
        for _attempt in range(2):
            mail._postprocess_sent_message(
                success_pids=[self.contact],
                success_emails=[],
                failure_type="mail_smtp",
            )
        self.assertEqual(
            {d.partner_id: d.send_state for d in deliveries},
            {self.contact: "sent", receiver: "failed"},
        )
        activities = version.activity_ids
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.lab_user)
        self.assertIn("Sun Mei", activities.summary)

    def test_mask_customer_name(self):
        # 10 characters: a quarter kept at each end (10 // 4 = 2), 6 masked.
        self.assertEqual(mask_name("上海华测检测有限公司"), "上海******公司")
        # 12 characters: 3 kept at each end (12 // 4 = 3), 6 masked.
        self.assertEqual(mask_name("Huabei Steel"), "Hua******eel")
        self.assertEqual(mask_name("AB"), "A*")


@tagged("post_install", "-at_install")
class TestAmendedReportRate(ReportCommon):
    """The amended-report rate in the service-quality report (per customer, per
    test item, per month), in the staff KPIs and in the churn warning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Report 1: tensile strength and colour fastness, amended; report 2:
        # tensile strength only, kept.
        cls.amended = cls._issued("R-2026-0001")
        cls.kept = cls._issued("R-2026-0002", items=cls.tensile)

    def _amend(self, sample, number):
        self._change(
            sample,
            "amend",
            report_number=number,
            report_file=base64.b64encode(make_pdf(number)),
            reason="Wrong batch number",
        )

    def test_service_quality_per_customer_and_test_item(self):
        self._amend(self.amended, "R-2026-0001-A")
        Quality = self.env["lab.service.quality"].with_user(self.lab_manager)
        [(rate,)] = Quality._read_group(
            [("partner_id", "=", self.customer.id)], [], ["amended_rate:avg"]
        )
        self.assertEqual(rate, 50.0)  # 1 of the 2 reported samples: (100 + 0) / 2
        by_item = dict(
            Quality._read_group(
                [("source", "=", "report_item")],
                ["product_id"],
                ["item_amended_rate:avg"],
            )
        )
        # Tensile strength: in both reports, one amended: (100 + 0) / 2 = 50;
        # colour fastness: in the amended one only: 100.
        self.assertEqual(by_item, {self.tensile: 50.0, self.colour: 100.0})
        self.assertEqual(
            Quality._by_customer(self.customer)[self.customer]["amended_rate"], 50.0
        )

    def test_staff_kpis(self):
        self._amend(self.amended, "R-2026-0001-A")
        kpi = (
            self.env["lab.staff.kpi"]
            .with_user(self.lab_manager)
            .search([("user_id", "=", self.lab_user.id)])
        )
        # 2 samples first reported in the period (the amendment is not a third),
        # 1 of them amended: 1 / 2 = 50%.
        self.assertRecordValues(
            kpi,
            [
                {
                    "report_count": 2,
                    "amended_report_count": 1,
                    "amended_report_rate": 50.0,
                }
            ],
        )

    def test_amended_reports_count_against_kept_commitments(self):
        Snapshot = self.env["lab.segment.snapshot"]
        self.customer.customer_category = "manufacturer"  # segmented without sales

        def reasons():
            Snapshot._recompute()
            row = Snapshot.search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("date", "=", self.kept.report_date),
                ]
            )
            return (row.churn_reasons or "").split(",")

        # Both reported on time (100) and none amended: 100 - 0 = 100 kept.
        self.assertNotIn("poor_service", reasons())
        # One amended: 100 - 50 = 50, not below the threshold of 50.
        self._amend(self.amended, "R-2026-0001-A")
        self.assertNotIn("poor_service", reasons())
        # The other withdrawn too: 100 - 100 = 0 < 50.
        self._change(self.kept, "withdraw", reason="Mislabelled")
        self.assertIn("poor_service", reasons())


@tagged("post_install", "-at_install")
class TestReportVerifyPage(ReportCommon, HttpCase):
    def _verify(self, number, code, pdf=None):
        self.env.flush_all()  # the request reads the settings from the database
        if pdf is None:
            return self.url_open(
                "/report/verify?" + urlencode({"number": number, "code": code})
            )
        return self.url_open(
            "/report/verify",
            data={"number": number, "code": code},
            files={"report_pdf": ("report.pdf", pdf, "application/pdf")},
        )

    def _logs(self):
        # All companies' (an unknown report is logged in the visitor's).
        return self.env["lab.report.verification"].sudo().search([], order="id")

    def test_valid_superseded_withdrawn(self):
        sample = self._issued("R-2026-0001")
        first = sample.report_version_id
        response = self._verify("R-2026-0001", first.verification_code_display)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_lab_verify_valid", response.text)
        for shown in (
            self.env.company.name,
            "R-2026-0001",
            str(first.report_date),
            "Cotton poplin",
            "上海******公司",
        ):
            self.assertIn(shown, response.text)
        self.assertNotIn("上海华测检测有限公司", response.text)
        # The setting off: the full name.
        self.env.company.lab_report_mask_customer = False
        response = self._verify("R-2026-0001", first.verification_code)
        self.assertIn("上海华测检测有限公司", response.text)

        self._change(
            sample,
            "amend",
            report_number="R-2026-0001-A",
            report_file=base64.b64encode(make_pdf("A")),
            reason="Typo",
        )
        response = self._verify("R-2026-0001", first.verification_code.lower())
        self.assertIn("o_lab_verify_superseded", response.text)
        self.assertIn(
            "superseded by report <strong>R-2026-0001-A</strong>", response.text
        )
        second = sample.report_version_id
        self._change(sample, "withdraw", reason="Mislabelled")
        response = self._verify("R-2026-0001-A", second.verification_code)
        self.assertIn("o_lab_verify_withdrawn", response.text)
        self.assertIn(f"withdrawn on {second.withdrawn_date}", response.text)
        # 4 lookups (valid, unmasked, superseded: version 1; withdrawn:
        # version 2), each logged with the version found.
        self.assertEqual(self._logs().version_id, first | second)
        self.assertEqual(len(self._logs()), 4)
        self.assertEqual(sample.report_verification_count, 4)
        self.assertEqual((first.verification_count, second.verification_count), (3, 1))

    def test_accreditation_marks_and_items_outside(self):
        # Tensile strength is covered by CMA and CNAS, colour fastness by CMA
        # only: the report claims the marks all its items share, CMA; an item
        # subcontracted is outside the laboratory's scope, named as such.
        Accreditation = self.env["lab.accreditation"]
        cma = Accreditation.create(
            {"kind": "cma", "name": "Mandatory Approval", "number": "241012340567"}
        )
        cnas = Accreditation.create(
            {"kind": "cnas", "name": "Accreditation", "number": "CNAS L10482"}
        )
        self.tensile.lab_accreditation_ids = cma | cnas
        self.colour.lab_accreditation_ids = cma
        sample = self._issued("R-2026-0007")
        self.assertEqual(sample.accreditation_ids, cma)
        version = sample.report_version_id
        page = self._verify("R-2026-0007", version.verification_code).text
        self.assertIn("241012340567", page)
        self.assertNotIn("CNAS L10482", page)
        self.assertNotIn("o_lab_verify_outside", page)
        subcontracted = self.env["product.product"].create(
            {
                "name": "Formaldehyde content",
                "type": "service",
                "is_lab_test_item": True,
                "lab_is_subcontracted": True,
                "lab_subcontractor_id": self.customer.id,
            }
        )
        sample = self._issued("R-2026-0008", items=self.tensile | subcontracted)
        version = sample.report_version_id
        page = self._verify("R-2026-0008", version.verification_code).text
        self.assertIn("241012340567", page)
        self.assertIn("CNAS L10482", page)  # both marks of its one own item
        self.assertIn("o_lab_verify_outside", page)
        self.assertIn("Formaldehyde content", page)

    def test_unknown_number_and_wrong_code_answer_alike(self):
        version = self._issued("R-2026-0001").report_version_id
        right = version.verification_code_display
        wrong = (
            "0000-0000-0000-0000"
            if right != "0000-0000-0000-0000"
            else "1111-1111-1111-1111"
        )
        unknown = self._verify("R-2026-9999", right)
        wrong_code = self._verify("R-2026-0001", wrong)
        malformed = self._verify("R-2026-0001", "not a code")
        for response in (unknown, wrong_code, malformed):
            self.assertEqual(response.status_code, 200)
            self.assertIn("o_lab_verify_not_found", response.text)
            self.assertNotIn("Cotton poplin", response.text)

        # Identical apart from what was typed (and the page layout's CSRF token,
        # which carries the second it was made in, whatever the answer).
        def typed_out(response, number, code):
            text = re.sub(r'csrf_token: "[^"]+"', "csrf_token", response.text)
            return text.replace(number, "#").replace(code, "#")

        self.assertEqual(
            typed_out(unknown, "R-2026-9999", right),
            typed_out(wrong_code, "R-2026-0001", wrong),
        )
        logs = self._logs()
        self.assertEqual(logs.mapped("is_found"), [False, False, False])
        self.assertFalse(logs.version_id)

    def test_rate_limit_and_log(self):
        self.env.company.lab_report_verify_limit = 3
        version = self._issued("R-2026-0001").report_version_id
        for _lookup in range(3):
            self.assertEqual(
                self._verify("R-2026-0001", version.verification_code).status_code, 200
            )
        refused = self._verify("R-2026-0001", version.verification_code)
        self.assertEqual(refused.status_code, 429)
        self.assertIn("o_lab_verify_rate_limited", refused.text)
        self.assertNotIn("Cotton poplin", refused.text)
        logs = self._logs()
        self.assertEqual(len(logs), 3)  # the refused lookup was not made
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        expected = hmac.new(secret.encode(), b"127.0.0.1", hashlib.sha256).hexdigest()
        self.assertEqual(set(logs.mapped("address_hash")), {expected})
        self.assertEqual(set(logs.mapped("is_found")), {True})
        # Lab CRM users do not read the log; managers do.
        with self.assertRaises(AccessError):
            logs.with_user(self.lab_user).read(["address_hash"])
        self.assertEqual(len(logs.with_user(self.lab_manager).read(["is_found"])), 3)
        with self.assertRaises(AccessError):
            logs.with_user(self.lab_manager).write({"is_found": False})

    def test_uploaded_file_identical_or_altered(self):
        sample = self._issued("R-2026-0001")
        version = sample.report_version_id
        issued = base64.b64decode(version.file)
        same = self._verify("R-2026-0001", version.verification_code, issued)
        self.assertIn("o_lab_verify_identical", same.text)
        # The report's number on page 1 changed by hand: 0001 -> 0007.
        altered = issued.replace(b"\\0552026\\0550001) Tj", b"\\0552026\\0550007) Tj")
        self.assertNotEqual(altered, issued)
        other = self._verify("R-2026-0001", version.verification_code, altered)
        self.assertIn("o_lab_verify_different", other.text)
        self.assertEqual(self._logs().mapped("file_result"), ["identical", "different"])

    def test_delivery_events_recorded_once(self):
        sample = self._issued("R-2026-0001")
        version = sample.report_version_id
        self.authenticate(self.portal.login, self.portal.login)
        for _visit in range(2):
            page = self.url_open(f"/my/samples/{sample.id}")
            self.assertEqual(page.status_code, 200)
            self.assertEqual(
                self.url_open(f"/my/samples/{sample.id}/report").content,
                base64.b64decode(version.file),
            )
        token = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        for _click in range(2):
            response = self.url_open(
                f"/my/samples/{sample.id}/report/acknowledge",
                data={"csrf_token": token},
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 303)
        events = version.delivery_ids.filtered(lambda d: d.partner_id == self.contact)
        self.assertEqual(
            sorted(events.mapped("event")),
            ["acknowledged", "downloaded", "sent", "viewed"],
        )
        page = self.url_open(f"/my/samples/{sample.id}")
        self.assertIn("o_lab_report_version", page.text)
        self.assertNotIn("o_lab_report_acknowledge_form", page.text)  # done
        # Another customer's contact: nothing to see, nothing to acknowledge.
        self.authenticate(self.portal_other.login, self.portal_other.login)
        token = re.search(
            r'csrf_token: "([^"]+)"', self.url_open("/my/samples").text
        ).group(1)
        response = self.url_open(
            f"/my/samples/{sample.id}/report/acknowledge", data={"csrf_token": token}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(len(version.delivery_ids), 4)

    def test_routes_per_role(self):
        """The acknowledgement as the public (sent to log in), the customer's
        contact (done), another customer's contact and an internal user outside
        the Lab CRM groups (a plain 404); the verification page for everyone."""
        sample = self._issued("R-2026-0001")
        clerk = new_test_user(self.env, login="plain_clerk", groups="base.group_user")
        url = f"/my/samples/{sample.id}/report/acknowledge"
        for user, status in (
            (None, 303),
            (self.portal, 303),
            (self.portal_other, 404),
            (clerk, 404),
        ):
            with self.subTest(user=user and user.login):
                self.authenticate(user and user.login, user and user.login)
                page = self.url_open("/report/verify")
                self.assertEqual(page.status_code, 200)
                token = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
                response = self.url_open(
                    url, data={"csrf_token": token}, allow_redirects=False
                )
                self.assertEqual(response.status_code, status)
                if user is None:
                    self.assertIn("/web/login", response.headers["Location"])
        acknowledged = sample.report_version_id.delivery_ids.filtered(
            lambda d: d.event == "acknowledged"
        )
        self.assertEqual(acknowledged.partner_id, self.contact)
        self.assertEqual(acknowledged.user_id, self.portal)

    def test_portal_cannot_read_versions_logs_or_file(self):
        sample = self._issued("R-2026-0001")
        version = sample.report_version_id
        self._verify("R-2026-0001", version.verification_code)
        log = self._logs()
        stamped = base64.b64decode(version.file)
        for user in (self.portal, self.portal_other):
            self.authenticate(user.login, user.login)
            for model, record in (
                ("lab.report.version", version),
                ("lab.report.verification", log),
                ("lab.report.delivery", version.delivery_ids),
            ):
                with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
                    self.make_jsonrpc_request(
                        f"/web/dataset/call_kw/{model}/read",
                        {
                            "model": model,
                            "method": "read",
                            "args": [
                                record.ids,
                                ["name" if model == "lab.report.version" else "id"],
                            ],
                            "kwargs": {},
                        },
                    )
            for url in (
                f"/web/content/lab.report.version/{version.id}/file",
                f"/web/content?model=lab.report.version&id={version.id}&field=file",
            ):
                response = self.url_open(url)
                self.assertNotEqual(response.status_code, 200)
                self.assertNotIn(stamped[:400], response.content)

    def test_tour_acknowledge_and_verify(self):
        sample = self._issued("R-2026-0001")
        version = sample.report_version_id
        self.start_tour(
            f"/my/samples/{sample.id}",
            "lab_report_acknowledge_tour",
            login=self.portal.login,
        )
        events = version.delivery_ids.filtered(lambda d: d.partner_id == self.contact)
        self.assertEqual(
            sorted(events.mapped("event")),
            ["acknowledged", "downloaded", "sent", "viewed"],
        )
        # A visitor without a login types the number and the code (in lower
        # case: read as the printed code) that the tour knows.
        version.sudo().verification_code = "7K3M9QWZ2XH4T8RB"
        self.start_tour("/report/verify", "lab_report_verify_tour")
        self.assertEqual(self._logs().version_id, version)
