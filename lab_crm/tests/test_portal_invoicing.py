import re

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CODE_A, CODE_B

VALID = {
    "fapiao_type": "special",
    "fapiao_title": "江南纺织有限公司",
    "vat": CODE_B,
    "fapiao_address": "杭州市中山路1号",
    "fapiao_phone": "0571-8888 0000",
    "fapiao_bank_name": "中国工商银行杭州中山支行",
    "fapiao_bank_account": "1202 0000 0912 3456",
    "fapiao_email": "Fapiao@Jiangnan.example",
}


@tagged("post_install", "-at_install")
class TestPortalInvoicing(HttpCase):
    """Customers keep their invoicing details for fapiao up to date in the
    portal (/my/invoicing), validated on the server, recorded in the change
    history; another customer's details are out of reach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        china = cls.env.ref("base.cn")
        cls.customer_a = Partner.create(
            {
                "name": "Jiangnan Textile",
                "is_company": True,
                "country_id": china.id,
                "social_credit_code": CODE_A,
            }
        )
        cls.customer_b = Partner.create(
            {"name": "Huabei Steel", "is_company": True, "country_id": china.id}
        )
        cls.portal_a = new_test_user(
            cls.env,
            login="portal_invoicing_a",
            groups="base.group_portal",
            partner_id=Partner.create(
                {"name": "Chen Li", "parent_id": cls.customer_a.id}
            ).id,
        )

    def _post(self, **overrides):
        page = self.url_open("/my/invoicing")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        data = {
            **VALID,
            "partner_id": str(self.customer_a.id),
            "csrf_token": csrf,
            **overrides,
        }
        return self.url_open("/my/invoicing", data=data, allow_redirects=False)

    def _details(self, customer):
        customer.invalidate_recordset()
        return {fname: customer[fname] for fname in VALID}

    def test_valid_details_are_saved_and_recorded(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        response = self._post()
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my/invoicing?saved=1"))
        self.assertEqual(
            self._details(self.customer_a),
            {**VALID, "fapiao_email": "fapiao@jiangnan.example"},
        )
        # The credit code follows the taxpayer id: one number.
        self.assertEqual(self.customer_a.social_credit_code, CODE_B)
        changes = self.customer_a.change_ids
        self.assertEqual(set(changes.mapped("kind")), {"invoicing", "credit_code"})
        self.assertEqual(changes.user_id, self.portal_a)

    def _assert_refused(self, overrides, message):
        before = self._details(self.customer_a)
        response = self._post(**overrides)
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, response.text)
        self.assertEqual(self._details(self.customer_a), before)  # nothing saved

    def test_invalid_details_are_refused(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        self._assert_refused(
            {"vat": "91110108551385082X"},
            "91110108551385082X is not a valid unified social credit code",
        )
        self._assert_refused(
            {"fapiao_email": "not an address"},
            "not an address is not a valid e-mail address",
        )
        self._assert_refused(
            {"fapiao_type": "golden"}, "Choose the type of fapiao from the list."
        )
        self._assert_refused(
            {"fapiao_bank_account": ""}, "A special VAT invoice needs the taxpayer ID"
        )
        self._assert_refused(
            {"fapiao_title": "x" * 201}, "Keep each field under 200 characters."
        )

    def test_another_customers_details_are_refused(self):
        self.authenticate(self.portal_a.login, self.portal_a.login)
        before = self._details(self.customer_b)
        response = self._post(partner_id=str(self.customer_b.id))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._details(self.customer_b), before)
        self.assertFalse(self.customer_b.change_ids)

    def test_public_is_sent_to_log_in(self):
        response = self.url_open("/my/invoicing", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestPortalLanguage(HttpCase):
    """Once logged in, lab_crm's portal pages speak the contact's language,
    whatever language the pages before the login were shown in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["lab_crm"], ["zh_CN"])
        customer = cls.env["res.partner"].create(
            {"name": "Jiangnan Textile", "is_company": True}
        )
        cls.portal_zh = new_test_user(
            cls.env,
            login="portal_language_zh",
            groups="base.group_portal",
            lang="zh_CN",
            partner_id=cls.env["res.partner"]
            .create({"name": "Chen Li", "parent_id": customer.id, "lang": "zh_CN"})
            .id,
        )

    def _page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_logged_in_contact_reads_the_portal_in_its_language(self):
        # The login page was shown in English: its cookie says so.
        self.opener.cookies.set("frontend_lang", "en_US")
        self.authenticate(self.portal_zh.login, self.portal_zh.login)
        self.opener.cookies.set("frontend_lang", "en_US")
        response = self._page("/my/samples")
        # The sort option "Newest" in lab_crm's zh_CN.po: 最新.
        self.assertIn("最新", response.text)
        self.assertNotIn("Newest", response.text)
        # The cookie now follows: Odoo's own portal pages speak it too.
        self.assertEqual(response.cookies.get("frontend_lang"), "zh_CN")
        # Once per session: the language selector (/en/...) still works.
        self.assertIn("Newest", self._page("/en/my/samples").text)
        self.assertIn("Newest", self._page("/my/complaints").text)
