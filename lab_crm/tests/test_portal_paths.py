"""What a portal session reaches by every path, not only through /my: Odoo's
/web/content and /web/image, JSON-RPC (/web/dataset/call_kw) on the documents
and on ir.attachment, the quotation's online acceptance and its payment."""

import base64
import io
import json
from datetime import date

from PIL import Image

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_portal import PDF, PNG

ACCESS_DENIED = (403, 404)


@tagged("post_install", "-at_install")
class TestPortalPaths(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lab_user = new_test_user(
            cls.env, login="lab_paths_user", groups="lab_crm.group_lab_crm_user"
        )
        tensile = cls.env["product.product"].create(
            {
                "name": "Tensile strength",
                "type": "service",
                "is_lab_test_item": True,
                "list_price": 200.0,
                "taxes_id": False,
            }
        )
        cls.tensile = tensile
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {"name": "Jiangnan Textile", "is_company": True, "user_id": cls.lab_user.id}
        )
        cls.contact_a = Partner.create(
            {"name": "Chen Li", "parent_id": cls.customer_a.id, "email": "c@a.example"}
        )
        cls.buyer_a = Partner.create(
            {
                "name": "Wang Fang",
                "parent_id": cls.customer_a.id,
                "email": "w@a.example",
            }
        )
        cls.customer_b = Partner.create({"name": "Huabei Steel", "is_company": True})
        cls.contact_b = Partner.create(
            {"name": "Zhao Lei", "parent_id": cls.customer_b.id, "email": "z@b.example"}
        )
        cls.portal_a = cls._portal_user("portal_paths_a", cls.contact_a)
        cls.buyer_portal_a = cls._portal_user("portal_paths_a2", cls.buyer_a)
        cls.portal_b = cls._portal_user("portal_paths_b", cls.contact_b)

        Sample = cls.env["lab.sample"]
        cls.delivered = Sample.create(
            {
                "partner_id": cls.customer_a.id,
                "sample_name": "Delivered poplin",
                "line_ids": [Command.create({"product_id": tensile.id})],
            }
        )
        cls.reported = Sample.create(
            {
                "partner_id": cls.customer_a.id,
                "sample_name": "Reported twill",
                "line_ids": [Command.create({"product_id": tensile.id})],
            }
        )
        for sample, state in ((cls.delivered, "delivered"), (cls.reported, "reported")):
            sample.write({"state": "review"})
            sample.write({"state": "testing"})
            sample.write({"state": "reported", "report_number": f"R-{sample.id}"})
            sample.write(
                {
                    "state": state,
                    "report_file": base64.b64encode(PDF),
                    "report_filename": f"R-{sample.id}.pdf",
                }
            )
        cls.complaint = cls.env["lab.complaint"].create(
            {"partner_id": cls.customer_a.id, "summary": "Wrong unit on report"}
        )

    @classmethod
    def _portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=partner.id,
            name=partner.name,
            email=partner.email,
        )

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _rpc(self, model, method, *args, **kwargs):
        """A JSON-RPC call to /web/dataset/call_kw as the logged-in user: the
        result, or the error's data (its ``name`` is the exception's class)."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.json()
        return body.get("result"), body.get("error", {}).get("data", {})

    def _report_attachment(self, sample):
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "lab.sample"),
                    ("res_id", "=", sample.id),
                    ("res_field", "=", "report_file"),
                ]
            )
        )

    # 1. The report file

    def test_report_file_only_through_the_portal_route_once_delivered(self):
        self._login(self.portal_a)
        for sample in (self.delivered, self.reported):
            attachment = self._report_attachment(sample)
            self.assertEqual(len(attachment), 1)
            sample_token = sample.sudo()._portal_ensure_token()
            for url in (
                f"/web/content?model=lab.sample&id={sample.id}&field=report_file",
                f"/web/content/lab.sample/{sample.id}/report_file",
                f"/web/image?model=lab.sample&id={sample.id}&field=report_file",
                f"/web/content/lab.sample/{sample.id}/report_file"
                f"?access_token={sample_token}",
                f"/web/content?model=lab.sample&id={sample.id}&field=report_file"
                f"&access_token={sample_token}",
                f"/web/content/{attachment.id}",
                f"/web/content/{attachment.id}?access_token={sample_token}",
                f"/web/image/{attachment.id}",
            ):
                with self.subTest(sample=sample.sample_name, url=url):
                    response = self.url_open(url)
                    if url.startswith("/web/image"):
                        # Odoo answers a placeholder image, not the file.
                        self.assertIn(response.status_code, (200, *ACCESS_DENIED))
                    else:
                        self.assertIn(response.status_code, ACCESS_DENIED)
                    self.assertNotIn(PDF, response.content)
            for method in ("read", "web_read"):
                spec = (
                    {"specification": {"report_file": {}}}
                    if method == "web_read"
                    else {"fields": ["report_file"]}
                )
                result, error = self._rpc("lab.sample", method, [sample.id], **spec)
                self.assertIsNone(result)
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            result, error = self._rpc(
                "ir.attachment", "read", attachment.ids, fields=["datas"]
            )
            self.assertIsNone(result)
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
            for domain in (
                [("res_model", "=", "lab.sample"), ("res_id", "=", sample.id)],
                [("res_field", "=", "report_file")],
                [("id", "=", attachment.id)],
            ):
                result, _error = self._rpc("ir.attachment", "search", domain)
                self.assertFalse(result, domain)

        # The portal's own route: once delivered, not before.
        response = self.url_open(f"/my/samples/{self.reported.id}/report")
        self.assertEqual(response.status_code, 404)
        response = self.url_open(f"/my/samples/{self.delivered.id}/report")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF)

    def test_token_of_the_sample_does_not_open_the_report_to_the_public(self):
        token = self.reported.sudo()._portal_ensure_token()
        for url in (
            f"/web/content/lab.sample/{self.reported.id}/report_file"
            f"?access_token={token}",
            f"/web/content/{self._report_attachment(self.reported).id}"
            f"?access_token={token}",
        ):
            response = self.url_open(url)
            self.assertIn(response.status_code, ACCESS_DENIED, url)
            self.assertNotIn(PDF, response.content)

    def test_staff_still_download_the_report(self):
        self._login(self.lab_user)
        response = self.url_open(
            f"/web/content/lab.sample/{self.reported.id}/report_file"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PDF)
        self.assertEqual(
            self.reported.with_user(self.lab_user).report_file, base64.b64encode(PDF)
        )

    # 2. Attachments of a sample or a complaint

    def _attachments(self):
        """On the complaint: a file the laboratory sent to the customer (a
        comment), one in an internal note, one put on the record only, and one
        the customer uploaded (in an internal note, as the request form does)."""
        Attachment = self.env["ir.attachment"]

        def file(name, **vals):
            return Attachment.create(
                {
                    "name": name,
                    "raw": PNG,
                    "res_model": "lab.complaint",
                    "res_id": self.complaint.id,
                    **vals,
                }
            )

        published = file("answer.png")
        self.complaint.message_post(
            body="Our answer",
            attachment_ids=published.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        internal_note = file("note.png")
        self.complaint.message_post(
            body="Between us", attachment_ids=internal_note.ids
        )  # a note: mail.mt_note
        on_record = file("record.png")
        uploaded = (
            Attachment.with_user(self.portal_a)
            .sudo()
            .create(
                {
                    "name": "customer.png",
                    "raw": PNG,
                    "res_model": "lab.complaint",
                    "res_id": self.complaint.id,
                }
            )
        )
        self.complaint.message_post(body="Received", attachment_ids=uploaded.ids)
        return published, internal_note, on_record, uploaded

    def _chatter_tokens(self, record):
        """The attachments of the record's portal chatter, with the download
        token each carries there."""
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": record._name, "thread_id": record.id},
        )
        return {
            attachment["id"]: attachment["raw_access_token"]
            for message in result["data"]["mail.message"]
            for attachment in message["attachment_ids"]
        }

    def test_customer_gets_only_published_attachments(self):
        published, internal_note, on_record, uploaded = self._attachments()
        self._login(self.portal_a)
        tokens = self._chatter_tokens(self.complaint)
        self.assertEqual(set(tokens), set(published.ids))
        published_token = tokens[published.id]
        response = self.url_open(
            f"/web/content/{published.id}?access_token={published_token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PNG)
        complaint_token = self.complaint.sudo()._portal_ensure_token()
        for attachment in (published, internal_note, on_record, uploaded):
            urls = [
                f"/web/content/{attachment.id}",
                f"/web/content/{attachment.id}?access_token={complaint_token}",
            ]
            if attachment != published:
                urls.append(
                    f"/web/content/{attachment.id}?access_token={published_token}"
                )
            for url in urls:
                with self.subTest(attachment=attachment.name, url=url):
                    response = self.url_open(url)
                    self.assertIn(response.status_code, ACCESS_DENIED)
                    self.assertNotIn(PNG, response.content)
            _result, error = self._rpc(
                "ir.attachment", "read", attachment.ids, fields=["name"]
            )
            self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        _result, error = self._rpc(
            "ir.attachment", "search", [("res_model", "=", "lab.complaint")]
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        # Another customer's chatter shows nothing.
        self._login(self.portal_b)
        self.assertEqual(self._chatter_tokens(self.complaint), {})

    def test_attachment_rule_where_the_portal_may_read_attachments(self):
        """Odoo gives the portal no right on ir.attachment; were one given (by
        another module), a customer would still read only the attachments
        published to it and those it uploaded, and staff all of them."""
        published, internal_note, on_record, uploaded = self._attachments()
        self.env["ir.model.access"].create(
            {
                "name": "test: portal reads attachments",
                "model_id": self.env.ref("base.model_ir_attachment").id,
                "group_id": self.env.ref("base.group_portal").id,
                "perm_read": True,
            }
        )
        everything = published | internal_note | on_record | uploaded
        Attachment = self.env["ir.attachment"].with_user(self.portal_a)
        readable = published | uploaded
        self.assertEqual(
            Attachment.browse(everything.ids)._filtered_access("read"), readable
        )
        for domain in (
            [("res_model", "=", "lab.complaint"), ("res_id", "=", self.complaint.id)],
            [("id", "in", everything.ids)],
            [("name", "in", everything.mapped("name"))],
        ):
            with self.subTest(domain=domain):
                self.assertEqual(
                    Attachment.search(domain).ids, readable.sorted("id", True).ids
                )
        with self.assertRaises(AccessError):
            Attachment.browse(internal_note.id).read(["name"])
        self.assertEqual(
            Attachment.browse(published.id).read(["name"]),
            [{"id": published.id, "name": "answer.png"}],
        )
        self._login(self.portal_a)
        for attachment in (internal_note, on_record):
            response = self.url_open(f"/web/content/{attachment.id}")
            self.assertIn(response.status_code, ACCESS_DENIED)
        self.assertEqual(self.url_open(f"/web/content/{published.id}").content, PNG)
        # Another customer: none; staff: all.
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(self.portal_b)
            .search([("id", "in", everything.ids)])
        )
        self.assertEqual(
            set(
                self.env["ir.attachment"]
                .with_user(self.lab_user)
                .search([("id", "in", everything.ids)])
                .ids
            ),
            set(everything.ids),
        )
        # Elsewhere Odoo's rules: a file on the customer's own contact.
        card = self.env["ir.attachment"].create(
            {
                "name": "card.png",
                "raw": PNG,
                "res_model": "res.partner",
                "res_id": self.contact_a.id,
            }
        )
        self.assertEqual(Attachment.search([("id", "=", card.id)]), card)

    # 3. Survey links are personal

    def test_survey_link_only_for_the_contact_it_was_sent_to(self):
        Survey = self.env["lab.survey"]
        to_chen = Survey.create(
            {"partner_id": self.customer_a.id, "contact_id": self.contact_a.id}
        )
        to_wang = Survey.create(
            {"partner_id": self.customer_a.id, "contact_id": self.buyer_a.id}
        )
        (to_chen | to_wang).action_send()
        for user, own, other in (
            (self.portal_a, to_chen, to_wang),
            (self.buyer_portal_a, to_wang, to_chen),
        ):
            with self.subTest(user=user.login):
                self._login(user)
                page = self.url_open("/my/surveys").text
                self.assertEqual(page.count('class="o_lab_portal_survey"'), 1)
                self.assertIn(f"/lab/survey/{own.sudo().access_token}", page)
                self.assertNotIn(other.sudo().access_token, page)
                counters = self.make_jsonrpc_request(
                    "/my/counters", {"counters": ["lab_survey_count"]}
                )
                self.assertEqual(counters, {"lab_survey_count": 1})
                # Over RPC the survey is the customer's, but never its link.
                for fname in ("access_token", "answer_url"):
                    result, error = self._rpc(
                        "lab.survey", "read", other.ids, fields=[fname]
                    )
                    self.assertEqual(error["name"], "odoo.exceptions.AccessError")
                result, _error = self._rpc(
                    "lab.survey",
                    "search_read",
                    [("id", "in", (own | other).ids)],
                    fields=["name", "state", "contact_id"],
                )
                self.assertEqual(len(result), 2)
                fields, _error = self._rpc("lab.survey", "fields_get")
                self.assertNotIn("access_token", fields)
                self.assertNotIn("answer_url", fields)

    # 4. Online acceptance of a quotation on credit hold

    def _quotation(self, customer):
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.lab_user.id,
                "require_signature": True,
                "require_payment": False,
                "order_line": [Command.create({"product_id": self.tensile.id})],
            }
        )
        order.action_quotation_sent()
        return order

    def _hold(self, customer):
        self.env["lab.customer.risk"].create(
            {
                "partner_id": customer.id,
                "company_id": self.env.company.id,
                "date": date.today(),
                "risk_class": "high",
                "probability": 0.23,
                "factors": "Paid 4 of the last 6 invoices late",
            }
        )

    def _accept(self, order):
        image = io.BytesIO()
        Image.new("RGB", (4, 4), "black").save(image, "PNG")
        signature = base64.b64encode(image.getvalue()).decode()
        return self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {
                "access_token": order._portal_ensure_token(),
                "name": "Chen Li",
                "signature": signature,
            },
        )

    def test_acceptance_on_credit_hold_gives_a_neutral_message(self):
        self._hold(self.customer_a)
        order = self._quotation(self.customer_a)
        self._login(self.portal_a)
        activity_type = self.env.ref("lab_crm.mail_activity_type_order_credit_hold")
        for _attempt in range(2):
            result = self._accept(order)
            self.assertEqual(
                result,
                {
                    "error": "Your order cannot be confirmed online at the moment; "
                    "your account manager will contact you."
                },
            )
            order.invalidate_recordset()
            self.assertEqual(order.state, "sent")
            self.assertFalse(order.signature)
            # The account manager has one activity with the reason, not one per try.
            activities = order.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )
            self.assertEqual(activities.user_id, self.lab_user)
            self.assertEqual(len(activities), 1)
            self.assertIn("23%", activities.note)
            self.assertIn("Paid 4 of the last 6 invoices late", activities.note)
        page = self.url_open(order.get_portal_url()).text
        self.assertNotIn("23%", page)
        self.assertNotIn("invoices late", page)

    def test_acceptance_without_hold_confirms_as_in_odoo(self):
        order = self._quotation(self.customer_a)
        self._login(self.portal_a)
        result = self._accept(order)
        self.assertTrue(result.get("force_refresh"), result)
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.signed_by, "Chen Li")
        self.assertFalse(order.activity_ids)

    def test_payment_does_not_confirm_an_order_on_credit_hold(self):
        self._hold(self.customer_a)
        held = self._quotation(self.customer_a)
        free = self._quotation(self.customer_b)
        provider = self.env["payment.provider"].search([], limit=1)
        method = self.env.ref("payment.payment_method_unknown")
        transactions = self.env["payment.transaction"]
        for order in (held, free):
            transactions |= transactions.create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": method.id,
                    "reference": f"TX-{order.name}",
                    "amount": order.amount_total,
                    "currency_id": order.currency_id.id,
                    "partner_id": order.partner_id.id,
                    "sale_order_ids": [Command.set(order.ids)],
                    "state": "done",
                }
            )
        confirmed = transactions._check_amount_and_confirm_order()
        self.assertEqual(confirmed, free)
        self.assertEqual(free.state, "sale")
        self.assertEqual(held.state, "sent")
        self.assertEqual(len(held.activity_ids), 1)
        self.assertEqual(held.activity_ids.user_id, self.lab_user)
