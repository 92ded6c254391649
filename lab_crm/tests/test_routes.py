"""Every route of lab_crm's controllers, as the public, customer A's portal user,
customer B's portal user and an internal user without Lab CRM groups: the status
each gets, and nothing of customer A in what B or the internal user reads.

The routes are read from the controllers themselves: a new route without a row in
ROUTES fails test_every_route_has_a_row."""

import base64
import inspect
import json
import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.lab_crm.controllers import portal, report_verify, sale_portal, survey

from .test_report_version import make_pdf

ROLES = ("public", "portal_a", "portal_b", "internal")
LOGIN = 303  # redirected to the login page
BACK = "303 back"  # redirected to the sample's page, the request done
# Customer A's: what must not show to anyone else.
SAMPLE_NAME = "Poplin A-7731"
REPORT_NUMBER = "R-A-7731"
COMPLAINT_SUMMARY = "Unit wrong A-7731"
ORDER_MARK = "A-7731"
PDF = make_pdf("Test report")

# route pattern -> (how to call it, the status expected per role of ROLES:
# public, portal A, portal B, internal). The calls are methods of TestRoutes;
# the JSON-RPC route is POSTed as JSON-RPC.
ROUTES = {
    "/my/samples": ("_get_samples", (LOGIN, 200, 200, 403)),
    "/my/samples/page/<int:page>": ("_get_samples_page", (LOGIN, 200, 200, 403)),
    "/my/samples/<int:sample_id>": ("_get_sample", (LOGIN, 200, 404, 404)),
    "/my/samples/<int:sample_id>/report": ("_get_report", (LOGIN, 200, 404, 404)),
    "/my/samples/request": ("_get_request", (LOGIN, 200, 200, 200)),
    "/my/complaints": ("_get_complaints", (LOGIN, 200, 200, 403)),
    "/my/complaints/page/<int:page>": ("_get_complaints_page", (LOGIN, 200, 200, 403)),
    "/my/complaints/<int:complaint_id>": ("_get_complaint", (LOGIN, 200, 404, 404)),
    "/my/complaints/new": ("_get_complaint_new", (LOGIN, 200, 200, 403)),
    "/my/surveys": ("_get_surveys", (LOGIN, 200, 200, 403)),
    # A customer's own invoicing details; not an employee's company's.
    "/my/invoicing": ("_get_invoicing", (LOGIN, 200, 200, 403)),
    # The personal link is the credential: unknown, it is a plain 404 for all.
    "/lab/survey/<string:token>": ("_get_unknown_survey", (404, 404, 404, 404)),
    # Another customer's or an unknown invoice: a plain 404.
    "/my/invoices/<int:invoice_id>": ("_get_unknown_invoice", (404, 404, 404, 404)),
    # JSON-RPC: the status is 200, the answer an error but for A's own user.
    "/my/orders/<int:order_id>/accept": ("_post_accept", (200, 200, 200, 200)),
    # The report's public verification page: its form, for everyone.
    "/report/verify": ("_get_verify", (200, 200, 200, 200)),
    # A's contact acknowledges A's report (back to the sample's page).
    "/my/samples/<int:sample_id>/report/acknowledge": (
        "_post_acknowledge", (LOGIN, BACK, 404, 404)),
}  # fmt: skip


def _controller_routes():
    """The URL patterns of the routes that lab_crm's controllers define or
    override (an override without patterns keeps those of the method it
    overrides)."""
    routes = set()
    for module in (portal, survey, sale_portal, report_verify):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for name, method in vars(cls).items():
                routing = getattr(method, "original_routing", None)
                if routing is None:
                    continue
                patterns = routing.get("routes")
                for base in cls.__mro__[1:]:
                    if patterns:
                        break
                    inherited = getattr(vars(base).get(name), "original_routing", {})
                    patterns = inherited.get("routes")
                if isinstance(patterns, str):
                    patterns = [patterns]
                routes.update(patterns or ())
    return routes


@tagged("post_install", "-at_install")
class TestRoutes(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {
                "name": "Jiangnan Textile",
                "is_company": True,
                "fapiao_title": f"Jiangnan {ORDER_MARK}",
            }
        )
        contact_a = Partner.create(
            {"name": "Chen Li", "parent_id": cls.customer_a.id, "email": "c@a.example"}
        )
        customer_b = Partner.create({"name": "Huabei Steel", "is_company": True})
        contact_b = Partner.create(
            {"name": "Zhao Lei", "parent_id": customer_b.id, "email": "z@b.example"}
        )
        cls.users = {
            "portal_a": new_test_user(
                cls.env,
                login="route_portal_a",
                groups="base.group_portal",
                partner_id=contact_a.id,
            ),
            "portal_b": new_test_user(
                cls.env,
                login="route_portal_b",
                groups="base.group_portal",
                partner_id=contact_b.id,
            ),
            "internal": new_test_user(
                cls.env, login="route_internal", groups="base.group_user"
            ),
        }
        item = cls.env["product.product"].create(
            {"name": "Tensile strength", "type": "service", "is_lab_test_item": True}
        )
        cls.sample = cls.env["lab.sample"].create(
            {
                "partner_id": cls.customer_a.id,
                "sample_name": SAMPLE_NAME,
                "line_ids": [Command.create({"product_id": item.id})],
            }
        )
        for state in ("review", "testing"):
            cls.sample.write({"state": state})
        cls.sample.write(
            {
                "state": "reported",
                "report_number": REPORT_NUMBER,
                "report_date": "2026-06-01",
            }
        )
        cls.sample.write(
            {
                "state": "delivered",
                "report_file": base64.b64encode(PDF),
                "report_filename": f"{REPORT_NUMBER}.pdf",
            }
        )
        # Issued as version 1: the file the customer gets is stamped.
        cls.sample._lab_issue_report_version()
        cls.report = base64.b64decode(
            cls.sample.with_context(bin_size=False).report_file
        )
        cls.complaint = cls.env["lab.complaint"].create(
            {"partner_id": cls.customer_a.id, "summary": COMPLAINT_SUMMARY}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer_a.id,
                "client_order_ref": ORDER_MARK,
                "require_signature": True,
                "order_line": [Command.create({"product_id": item.id})],
            }
        )
        cls.order.message_subscribe(partner_ids=contact_a.ids)

    # The calls

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _get_samples(self):
        return self._get("/my/samples")

    def _get_samples_page(self):
        return self._get("/my/samples/page/1")

    def _get_sample(self):
        return self._get(f"/my/samples/{self.sample.id}")

    def _get_report(self):
        return self._get(f"/my/samples/{self.sample.id}/report")

    def _get_request(self):
        return self._get("/my/samples/request")

    def _get_complaints(self):
        return self._get("/my/complaints")

    def _get_complaints_page(self):
        return self._get("/my/complaints/page/1")

    def _get_complaint(self):
        return self._get(f"/my/complaints/{self.complaint.id}")

    def _get_complaint_new(self):
        return self._get("/my/complaints/new")

    def _get_invoicing(self):
        return self._get("/my/invoicing")

    def _get_surveys(self):
        return self._get("/my/surveys")

    def _get_unknown_survey(self):
        return self._get("/lab/survey/" + "x" * 43)

    def _get_unknown_invoice(self):
        return self._get("/my/invoices/999999999")

    def _post_accept(self):
        return self.url_open(
            f"/my/orders/{self.order.id}/accept",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}
            ),
            headers={"Content-Type": "application/json"},
        )

    def _get_verify(self):
        return self._get("/report/verify")

    def _post_acknowledge(self):
        token = re.search(
            r'csrf_token: "([^"]+)"', self._get("/report/verify").text
        ).group(1)
        return self.url_open(
            f"/my/samples/{self.sample.id}/report/acknowledge",
            data={"csrf_token": token},
            allow_redirects=False,
        )

    # The tests

    def test_every_route_has_a_row(self):
        routes = _controller_routes()
        self.assertIn("/my/samples/<int:sample_id>/report", routes)
        self.assertEqual(routes - set(ROUTES), set(), "routes without a row")
        self.assertEqual(set(ROUTES) - routes, set(), "rows without a route")

    def test_each_role_on_each_route(self):
        for role in ROLES:
            if role == "public":
                self.authenticate(None, None)
            else:
                login = self.users[role].login
                self.authenticate(login, login)
            for route, (call, statuses) in ROUTES.items():
                expected = dict(zip(ROLES, statuses, strict=True))
                with self.subTest(role=role, route=route):
                    response = getattr(self, call)()
                    if expected[role] == BACK:
                        self.assertEqual(response.status_code, 303)
                        self.assertTrue(
                            response.headers["Location"].endswith(
                                f"/my/samples/{self.sample.id}"
                            )
                        )
                        continue
                    self.assertEqual(response.status_code, expected[role])
                    if expected[role] == LOGIN:
                        self.assertIn("/web/login", response.headers["Location"])
                    body = response.text
                    if role != "portal_a":
                        for mark in (
                            SAMPLE_NAME,
                            REPORT_NUMBER,
                            COMPLAINT_SUMMARY,
                            ORDER_MARK,
                        ):
                            self.assertNotIn(mark, body)
                        self.assertNotIn(PDF, response.content)
                        self.assertNotIn(self.report, response.content)

    def test_customer_a_sees_its_own(self):
        self.authenticate("route_portal_a", "route_portal_a")
        self.assertIn(SAMPLE_NAME, self._get_samples().text)
        self.assertIn(REPORT_NUMBER, self._get_sample().text)
        self.assertEqual(self._get_report().content, self.report)
        self.assertTrue(self.report.startswith(b"%PDF"))
        self.assertIn(COMPLAINT_SUMMARY, self._get_complaints().text)
        self.assertIn(COMPLAINT_SUMMARY, self._get_complaint().text)
        self.assertIn(f"Jiangnan {ORDER_MARK}", self._get_invoicing().text)
        self.assertEqual(
            self._post_accept().json()["result"], {"error": "Signature is missing."}
        )
        self.authenticate("route_portal_b", "route_portal_b")
        self.assertEqual(
            self._post_accept().json()["result"], {"error": "Invalid order."}
        )
