import base64
import re
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 64  # a Windows program, whatever its name says
MAX_UPLOAD = 10 * 1024 * 1024


@tagged("post_install", "-at_install")
class TestPortal(HttpCase):
    """Two customers, A and B, each with a portal user: each sees its own samples,
    complaints and surveys in /my, requests tests and files complaints there, and
    never reaches the other's documents."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.resource_calendar_id.tz = "Asia/Shanghai"
        cls.lab_user = new_test_user(
            cls.env, login="lab_reception", groups="lab_crm.group_lab_crm_user"
        )
        Product = cls.env["product.product"]
        cls.tensile = Product.create(
            {
                "name": "Tensile strength",
                "type": "service",
                "is_lab_test_item": True,
                "lab_standard": "GB/T 3923.1-2013",
                "lab_turnaround_days": 3,
            }
        )
        cls.colour = Product.create(
            {
                "name": "Colour fastness to washing",
                "type": "service",
                "is_lab_test_item": True,
                "lab_turnaround_days": 5,
            }
        )
        cls.training = Product.create({"name": "ISO 17025 training", "type": "service"})
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {"name": "Jiangnan Textile", "is_company": True, "user_id": cls.lab_user.id}
        )
        cls.contact_a = Partner.create(
            {
                "name": "Chen Li",
                "parent_id": cls.customer_a.id,
                "email": "chen@a.example",
            }
        )
        cls.buyer_a = Partner.create(
            {"name": "Wang Fang", "parent_id": cls.customer_a.id}
        )
        cls.customer_b = Partner.create({"name": "Huabei Steel", "is_company": True})
        cls.contact_b = Partner.create(
            {
                "name": "Zhao Lei",
                "parent_id": cls.customer_b.id,
                "email": "zhao@b.example",
            }
        )
        # Logins of 8 characters or more: the password is the login (start_tour).
        cls.portal_a = new_test_user(
            cls.env,
            login="portal_customer_a",
            groups="base.group_portal",
            partner_id=cls.contact_a.id,
            name="Chen Li",
            email="chen@a.example",
        )
        cls.portal_b = new_test_user(
            cls.env,
            login="portal_customer_b",
            groups="base.group_portal",
            partner_id=cls.contact_b.id,
            name="Zhao Lei",
            email="zhao@b.example",
        )

        cls.delivered_a = cls._sample(cls.customer_a, "Delivered poplin")
        cls._deliver(cls.delivered_a, "R-A-0001")
        cls.testing_a = cls._sample(cls.customer_a, "Cotton twill")
        cls.sample_b = cls._sample(cls.customer_b, "Rebar HRB400")
        cls._deliver(cls.sample_b, "R-B-0001")

        Complaint = cls.env["lab.complaint"]
        cls.complaint_a = Complaint.create(
            {"partner_id": cls.customer_a.id, "summary": "Wrong unit on report"}
        )
        cls.complaint_b = Complaint.create(
            {"partner_id": cls.customer_b.id, "summary": "Sample lost at reception"}
        )

        Survey = cls.env["lab.survey"]
        # Sent to portal A's contact: a survey link is personal.
        cls.survey_a = Survey.create(
            {"partner_id": cls.customer_a.id, "contact_id": cls.contact_a.id}
        )
        expired_a = Survey.create(
            {"partner_id": cls.customer_a.id, "contact_id": cls.contact_a.id}
        )
        Survey.create({"partner_id": cls.customer_a.id})  # planned, not sent
        survey_b = Survey.create({"partner_id": cls.customer_b.id})
        (cls.survey_a | expired_a | survey_b).action_send()
        expired_a.token_expiry_date = date.today() - timedelta(days=1)

    @classmethod
    def _sample(cls, customer, name, **vals):
        return cls.env["lab.sample"].create(
            {
                "partner_id": customer.id,
                "sample_name": name,
                "line_ids": [(0, 0, {"product_id": cls.tensile.id})],
                **vals,
            }
        )

    @classmethod
    def _deliver(cls, sample, report_number, report=PDF):
        sample.write({"state": "review"})
        sample.write({"state": "testing"})
        sample.write({"state": "reported", "report_number": report_number})
        sample.write(
            {
                "state": "delivered",
                "delivered_date": date.today(),
                "report_file": report and base64.b64encode(report),
                "report_filename": report and f"{report_number}.pdf",
            }
        )

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _csrf(self, url):
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _samples_of(self, customer):
        return self.env["lab.sample"].search([("partner_id", "=", customer.id)])

    def _complaints_of(self, customer):
        return self.env["lab.complaint"].search([("partner_id", "=", customer.id)])

    # Reading

    def test_lists_show_own_documents_only(self):
        self._login(self.portal_a)
        samples = self.url_open("/my/samples")
        self.assertEqual(samples.status_code, 200)
        self.assertEqual(samples.text.count('class="o_lab_portal_sample"'), 2)
        self.assertIn("Delivered poplin", samples.text)
        self.assertIn("Cotton twill", samples.text)
        self.assertNotIn("Rebar HRB400", samples.text)

        complaints = self.url_open("/my/complaints")
        self.assertEqual(complaints.text.count('class="o_lab_portal_complaint"'), 1)
        self.assertIn("Wrong unit on report", complaints.text)
        self.assertNotIn("Sample lost at reception", complaints.text)

        # Sent and still valid; not the expired one, the planned one, nor B's.
        surveys = self.url_open("/my/surveys")
        self.assertEqual(surveys.text.count('class="o_lab_portal_survey"'), 1)
        token = self.survey_a.sudo().access_token
        self.assertIn(f'href="/lab/survey/{token}"', surveys.text)

        counters = self.make_jsonrpc_request(
            "/my/counters",
            {
                "counters": [
                    "lab_sample_count",
                    "lab_complaint_count",
                    "lab_survey_count",
                ]
            },
        )
        self.assertEqual(
            counters,
            {"lab_sample_count": 2, "lab_complaint_count": 1, "lab_survey_count": 1},
        )
        home = self.url_open("/my").text
        for url in (
            "/my/samples",
            "/my/samples/request",
            "/my/complaints",
            "/my/surveys",
        ):
            self.assertIn(f'href="{url}"', home)

    def test_list_pages_sort_and_filter(self):
        self.env["lab.sample"].create(
            [
                {
                    "partner_id": self.customer_a.id,
                    "sample_name": f"Batch sample {n}",
                    "received_datetime": datetime(2025, 1, 1) + timedelta(days=n),
                }
                for n in range(23)
            ]
        )
        self._login(self.portal_a)
        # 25 samples of A: 20 on the first page, 5 on the second.
        first = self.url_open("/my/samples")
        self.assertEqual(first.text.count('class="o_lab_portal_sample"'), 20)
        self.assertIn('href="/my/samples/page/2?', first.text)
        second = self.url_open("/my/samples/page/2")
        self.assertEqual(second.text.count('class="o_lab_portal_sample"'), 5)
        # The oldest ones come last.
        self.assertIn("Batch sample 0<", second.text)

        delivered = self.url_open("/my/samples?filterby=delivered&sortby=name")
        self.assertEqual(delivered.status_code, 200)
        self.assertEqual(delivered.text.count('class="o_lab_portal_sample"'), 1)
        self.assertIn("Delivered poplin", delivered.text)
        # An unknown sort or filter falls back to the defaults.
        odd = self.url_open("/my/samples?filterby=nope&sortby=nope")
        self.assertEqual(odd.text.count('class="o_lab_portal_sample"'), 20)

    def _page_queries(self, url):
        """The SQL queries of one warm request to ``url`` (as Odoo's website
        performance tests count them)."""
        self.url_open(url)
        profiler = self.profile(collectors=["sql"], db=False)
        with profiler:
            self.url_open(url)
        (route,) = profiler._profiler__.sub_profilers
        return len(route.collectors[0].entries)

    def test_list_queries_do_not_grow_with_rows(self):
        self._login(self.portal_a)
        two_rows = self._page_queries("/my/samples")
        self.env["lab.sample"].create(
            [
                {"partner_id": self.customer_a.id, "sample_name": f"Sample {n}"}
                for n in range(30)
            ]
        )
        self.env.flush_all()
        # 20 rows, and a pager: the same queries as for 2 rows.
        self.assertEqual(self._page_queries("/my/samples/page/2"), two_rows)
        self.assertEqual(self._page_queries("/my/samples"), two_rows)

    def test_detail_shows_status_dates_and_items(self):
        self._login(self.portal_a)
        page = self.url_open(f"/my/samples/{self.delivered_a.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("R-A-0001", page.text)
        self.assertIn("Tensile strength", page.text)
        self.assertIn("GB/T 3923.1-2013", page.text)
        self.assertIn(f'href="/my/samples/{self.delivered_a.id}/report"', page.text)
        page = self.url_open(f"/my/samples/{self.testing_a.id}")
        self.assertNotIn("o_lab_report_download", page.text)

    def test_other_customer_documents_are_not_found(self):
        self._login(self.portal_b)
        for url in (
            f"/my/samples/{self.delivered_a.id}",
            f"/my/samples/{self.delivered_a.id}/report",
            f"/my/complaints/{self.complaint_a.id}",
            "/my/samples/999999999",
            "/my/complaints/999999999",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        # A wrong token does not open it either; the document's own token does,
        # as in Odoo's portal (a link shared by the customer).
        url = f"/my/samples/{self.delivered_a.id}"
        self.assertEqual(self.url_open(f"{url}?access_token=wrong").status_code, 404)
        token = self.delivered_a._portal_ensure_token()
        self.assertEqual(self.url_open(f"{url}?access_token={token}").status_code, 200)

    def test_other_customer_invoice_is_not_found(self):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer_a.id,
                "invoice_line_ids": [
                    fields.Command.create({"name": "Testing", "price_unit": 300.0})
                ],
            }
        )
        invoice.action_post()
        url = f"/my/invoices/{invoice.id}"
        self._login(self.portal_b)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 404)
        self._login(self.portal_a)
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200)
        self.assertIn(invoice.name, response.text)

    def test_public_is_sent_to_login(self):
        for url in (
            "/my/samples",
            f"/my/samples/{self.delivered_a.id}",
            f"/my/samples/{self.delivered_a.id}/report",
            "/my/samples/request",
            "/my/complaints",
            f"/my/complaints/{self.complaint_a.id}",
            "/my/complaints/new",
            "/my/surveys",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertIn("/web/login", response.headers["Location"])

    def test_portal_user_reads_only_own_documents(self):
        Sample = self.env["lab.sample"].with_user(self.portal_a)
        self.assertEqual(Sample.search([]), self.delivered_a | self.testing_a)
        self.assertEqual(
            self.env["lab.sample.line"].with_user(self.portal_a).search([]),
            (self.delivered_a | self.testing_a).line_ids,
        )
        with self.assertRaises(AccessError):
            self.sample_b.with_user(self.portal_a).check_access("read")
        with self.assertRaises(AccessError):
            self.testing_a.with_user(self.portal_a).write({"sample_name": "Changed"})
        with self.assertRaises(AccessError):
            Sample.create({"partner_id": self.customer_a.id, "sample_name": "Mine"})
        with self.assertRaises(AccessError):
            self.complaint_a.with_user(self.portal_a).write({"summary": "Changed"})

    # Report download

    def test_report_download_once_delivered(self):
        self._login(self.portal_a)
        testing = self.url_open(f"/my/samples/{self.testing_a.id}/report")
        self.assertEqual(testing.status_code, 404)
        no_file = self._sample(self.customer_a, "Without file")
        self._deliver(no_file, "R-A-0002", report=None)
        self.assertEqual(
            self.url_open(f"/my/samples/{no_file.id}/report").status_code, 404
        )

        response = self.url_open(f"/my/samples/{self.delivered_a.id}/report")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertIn("R-A-0001.pdf", response.headers["Content-Disposition"])
        self.assertEqual(response.content, PDF)

    def test_report_file_must_be_a_pdf(self):
        with self.assertRaisesRegex(UserError, "must be a PDF"):
            self.testing_a.report_file = base64.b64encode(PNG)

    # Request a test (网上受理)

    def _request(self, csrf=True, files=None, **overrides):
        data = {
            "sample_name": "Cotton poplin",
            "batch": "B-7",
            "quantity": "2.5",
            "description": "Two pieces, 1 m each",
            "contact_id": str(self.buyer_a.id),
            "other_tests": "",
        }
        data.update(overrides)
        fields_ = list(data.items())
        items = overrides.get("test_item_ids", [self.tensile.id, self.colour.id])
        fields_ = [(k, v) for k, v in fields_ if k != "test_item_ids"]
        fields_ += [("test_item_ids", str(item)) for item in items]
        if csrf:
            fields_.append(("csrf_token", self._csrf("/my/samples/request")))
        return self.url_open(
            "/my/samples/request", data=fields_, files=files, allow_redirects=False
        )

    def test_request_creates_one_requested_sample(self):
        self._login(self.portal_a)
        before = self._samples_of(self.customer_a)
        response = self._request(
            files={"attachment": ("spec.pdf", PDF, "application/pdf")}
        )
        self.assertEqual(response.status_code, 303)
        sample = self._samples_of(self.customer_a) - before
        self.assertEqual(len(sample), 1)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/samples/{sample.id}?submitted=1"
            )
        )
        self.assertRecordValues(
            sample,
            [
                {
                    "state": "requested",
                    "partner_id": self.customer_a.id,
                    "contact_id": self.buyer_a.id,
                    "company_id": self.env.company.id,
                    "sample_name": "Cotton poplin",
                    "batch": "B-7",
                    "quantity": 2.5,
                    "description": "Two pieces, 1 m each",
                    "received_by_id": False,
                    "user_id": self.lab_user.id,
                    "promised_date": False,
                    "fapiao_type": "general",  # the customer has none: general
                }
            ],
        )
        self.assertEqual(sample.line_ids.product_id, self.tensile | self.colour)
        attachment = sample.message_ids.attachment_ids
        self.assertEqual((attachment.name, attachment.raw), ("spec.pdf", PDF))
        # Not a received sample yet: the customer's figures do not count it.
        self.assertEqual(self.customer_a.sample_count, 2)

        page = self.url_open(response.headers["Location"])
        self.assertIn("Your request was sent", page.text)

    def test_request_other_tests_as_text(self):
        self._login(self.portal_a)
        before = self._samples_of(self.customer_a)
        response = self._request(
            test_item_ids=[], other_tests="Formaldehyde content", description=""
        )
        self.assertEqual(response.status_code, 303)
        sample = self._samples_of(self.customer_a) - before
        self.assertFalse(sample.line_ids)
        self.assertEqual(sample.description, "Other tests: Formaldehyde content")

    def test_invalid_request_creates_nothing(self):
        self._login(self.portal_a)
        cases = {
            "missing name": (
                {"sample_name": "  "},
                None,
                "Give the name of the sample.",
            ),
            "quantity not a number": ({"quantity": "abc"}, None, "Give the quantity"),
            "zero quantity": ({"quantity": "0"}, None, "Give the quantity"),
            "negative quantity": ({"quantity": "-1"}, None, "Give the quantity"),
            "infinite quantity": ({"quantity": "inf"}, None, "Give the quantity"),
            "not a test item": (
                {"test_item_ids": [self.training.id]},
                None,
                "Choose the test items from the list.",
            ),
            "no test": (
                {"test_item_ids": []},
                None,
                "Choose at least one test item",
            ),
            "contact of another customer": (
                {"contact_id": str(self.contact_b.id)},
                None,
                "Choose the contact among your company",
            ),
            "upload too large": (
                {},
                {"attachment": ("big.pdf", PDF + b"0" * MAX_UPLOAD, "application/pdf")},
                "big.pdf is larger than 10 MB.",
            ),
            "upload not a PDF": (
                {},
                {"attachment": ("spec.pdf", EXE, "application/pdf")},
                "spec.pdf is not a PDF, JPEG or PNG file.",
            ),
        }
        before = self._samples_of(self.customer_a)
        for case, (overrides, files, message) in cases.items():
            with self.subTest(case=case):
                response = self._request(files=files, **overrides)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertEqual(self._samples_of(self.customer_a), before)
        # The form comes back with what the customer typed.
        response = self._request(quantity="abc", batch="B-kept")
        self.assertIn('value="B-kept"', response.text)

    def test_request_carries_the_fapiao_type(self):
        self._login(self.portal_a)
        before = self._samples_of(self.customer_a)
        self.assertEqual(self._request(fapiao_type="special").status_code, 303)
        self.assertEqual(
            (self._samples_of(self.customer_a) - before).fapiao_type, "special"
        )
        response = self._request(fapiao_type="golden")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose the type of fapiao from the list.", response.text)

    def test_request_without_csrf_token_is_refused(self):
        self._login(self.portal_a)
        before = self._samples_of(self.customer_a)
        with self.assertLogs("odoo.http", "WARNING"):
            response = self._request(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._samples_of(self.customer_a), before)

    def test_accept_and_refuse_requests(self):
        requested = self._sample(
            self.customer_a, "Online request", state="requested", received_by_id=False
        )
        refused = self._sample(
            self.customer_a, "Unwanted", state="requested", received_by_id=False
        )
        self.assertFalse(requested.promised_date)
        with freeze_time("2026-03-02 02:00:00"):  # Monday 10:00 in Shanghai
            requested.with_user(self.lab_user).action_accept()
        self.assertRecordValues(
            requested,
            [
                {
                    "state": "received",
                    "received_datetime": datetime(2026, 3, 2, 2, 0),
                    "received_by_id": self.lab_user.id,
                    # 3 working days after Monday: Tuesday, Wednesday, Thursday.
                    "promised_date": date(2026, 3, 5),
                }
            ],
        )
        self.assertEqual(self.customer_a.sample_count, 3)
        quality = self.env["lab.service.quality"]._read_group(
            [("partner_id", "=", self.customer_a.id)], [], ["sample_count:sum"]
        )
        # Delivered, testing and the accepted one; not the pending request.
        self.assertEqual(quality, [(3,)])
        refused.with_user(self.lab_user).action_cancel()
        self.assertEqual(refused.state, "cancelled")
        # Taken back after all: received when taken back, not when requested.
        with freeze_time("2026-03-03 03:00:00"):
            refused.with_user(self.lab_user).action_back_to_received()
        self.assertRecordValues(
            refused,
            [
                {
                    "state": "received",
                    "received_datetime": datetime(2026, 3, 3, 3, 0),
                    "received_by_id": self.lab_user.id,
                }
            ],
        )
        with self.assertRaisesRegex(UserError, "Only samples requested online"):
            self.testing_a.with_user(self.lab_user).action_accept()
        with self.assertRaises(UserError):  # a request is accepted, not reviewed
            self._sample(self.customer_a, "Rushed", state="requested").write(
                {"state": "review"}
            )

    # Complaints

    def _file_complaint(self, csrf=True, files=None, **overrides):
        data = {
            "summary": "Report arrived late",
            "description": "Promised on Monday,\ndelivered on Friday.",
            "category": "delay",
            "sample_id": str(self.delivered_a.id),
        }
        data.update(overrides)
        if csrf:
            data["csrf_token"] = self._csrf("/my/complaints/new")
        return self.url_open(
            "/my/complaints/new", data=data, files=files, allow_redirects=False
        )

    def test_complaint_about_own_sample(self):
        self._login(self.portal_a)
        before = self._complaints_of(self.customer_a)
        response = self._file_complaint(
            files={"attachment": ("photo.png", PNG, "image/png")}
        )
        self.assertEqual(response.status_code, 303)
        complaint = self._complaints_of(self.customer_a) - before
        self.assertEqual(len(complaint), 1)
        self.assertRecordValues(
            complaint,
            [
                {
                    "state": "new",
                    "channel": "portal",
                    "summary": "Report arrived late",
                    "category": "delay",
                    "partner_id": self.customer_a.id,
                    "contact_id": self.contact_a.id,
                    "sample_id": self.delivered_a.id,
                    "report_number": "R-A-0001",
                    "received_date": fields.Date.context_today(complaint),
                }
            ],
        )
        self.assertIn(
            "Promised on Monday,<br>delivered on Friday.", complaint.description
        )
        self.assertIn(self.contact_a, complaint.message_partner_ids)
        attachment = complaint.message_ids.attachment_ids
        self.assertEqual(
            (attachment.name, attachment.mimetype), ("photo.png", "image/png")
        )

        page = self.url_open(response.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Your complaint was filed", page.text)
        self.assertIn("Report arrived late", page.text)

    def test_complaint_resolution_is_shown(self):
        self.complaint_a.sudo().write(
            {"result_text": "The unit was corrected; a new report was issued."}
        )
        self._login(self.portal_a)
        page = self.url_open(f"/my/complaints/{self.complaint_a.id}")
        self.assertIn("a new report was issued", page.text)

    def test_customer_follows_up_in_the_complaint_chatter(self):
        def post(body):
            return self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "lab.complaint",
                    "thread_id": self.complaint_a.id,
                    "post_data": {
                        "body": body,
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            )

        self._login(self.portal_a)
        post("Any news about the unit?")
        message = self.complaint_a.message_ids[:1]
        self.assertEqual(message.author_id, self.contact_a)
        self.assertIn("Any news about the unit?", message.body)
        self._login(self.portal_b)
        with self.assertRaises(JsonRpcException):
            post("Not my complaint")
        self.assertEqual(self.complaint_a.message_ids[:1], message)

    def test_invalid_complaint_creates_nothing(self):
        self._login(self.portal_a)
        cases = {
            "about another customer's sample": (
                {"sample_id": str(self.sample_b.id)},
                None,
                "Choose one of your own samples.",
            ),
            "missing subject": ({"summary": ""}, None, "Give the subject"),
            "missing description": ({"description": " "}, None, "Describe what went"),
            "unknown category": ({"category": "weather"}, None, "Choose the category"),
            "upload too large": (
                {},
                {
                    "attachment": (
                        "scan.jpg",
                        b"\xff\xd8\xff" + b"0" * MAX_UPLOAD,
                        "image/jpeg",
                    )
                },
                "scan.jpg is larger than 10 MB.",
            ),
            "upload of another type": (
                {},
                {"attachment": ("photo.png", EXE, "image/png")},
                "photo.png is not a PDF, JPEG or PNG file.",
            ),
        }
        before = self._complaints_of(self.customer_a)
        for case, (overrides, files, message) in cases.items():
            with self.subTest(case=case):
                response = self._file_complaint(files=files, **overrides)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
                self.assertEqual(self._complaints_of(self.customer_a), before)
        with self.assertLogs("odoo.http", "WARNING"):
            response = self._file_complaint(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._complaints_of(self.customer_a), before)

    # The customer's journey in a browser

    def test_tour_file_complaint_and_download_report(self):
        before = self._complaints_of(self.customer_a)
        self.start_tour("/my", "lab_portal_tour", login=self.portal_a.login)
        complaint = self._complaints_of(self.customer_a) - before
        self.assertRecordValues(
            complaint,
            [
                {
                    "summary": "Report arrived late",
                    "channel": "portal",
                    "contact_id": self.contact_a.id,
                }
            ],
        )
        self._login(self.portal_a)
        response = self.url_open(f"/my/samples/{self.delivered_a.id}/report")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
