import base64
import io
import os

from openpyxl import load_workbook

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CODE_A, CODE_B
from .sample_common import LabSampleCommon

BANK_ACCOUNT = "中国工商银行杭州中山支行 1202 0000 0912 3456"  # bank, then account
DETAILS = {
    "fapiao_title": "江南纺织有限公司",
    "fapiao_address": "杭州市中山路1号",
    "fapiao_phone": "0571-8888 0000",
    "fapiao_bank_name": "中国工商银行杭州中山支行",
    "fapiao_bank_account": "1202 0000 0912 3456",
    "fapiao_type": "special",
    "fapiao_email": "fapiao@jiangnan.example",
}


@tagged("post_install", "-at_install")
class TestTaxpayerId(LabSampleCommon):
    """A Chinese company's taxpayer id is its unified social credit code: one
    value, kept in the credit code and in Odoo's vat (which invoices print)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.china = cls.env.ref("base.cn")

    def _company(self, **vals):
        return self.env["res.partner"].create(
            {"name": "Huadong Dyeing", "is_company": True, **vals}
        )

    def test_credit_code_writes_the_vat(self):
        partner = self._company(social_credit_code="9111 0108-5513 85082q")
        self.assertEqual(partner.vat, CODE_A)
        partner.social_credit_code = CODE_B
        self.assertEqual((partner.social_credit_code, partner.vat), (CODE_B, CODE_B))

    def test_vat_of_a_chinese_company_writes_the_credit_code(self):
        partner = self._company(country_id=self.china.id, vat=CODE_A)
        self.assertEqual(partner.social_credit_code, CODE_A)
        partner.vat = CODE_B.lower()
        self.assertEqual(partner.social_credit_code, CODE_B)
        partner.vat = False
        self.assertFalse(partner.social_credit_code)

    def test_vat_through_the_form(self):
        with Form(
            self.env["res.partner"].with_context(default_is_company=True)
        ) as form:
            form.name = "Form Ltd"
            form.country_id = self.china
            form.vat = CODE_B
        self.assertEqual(form.record.social_credit_code, CODE_B)

    def test_invalid_vat_of_a_chinese_company_is_refused(self):
        partner = self._company(country_id=self.china.id)
        # Last character changed: the check digit no longer matches.
        with self.assertRaisesRegex(
            ValidationError,
            "91110108551385082X is not a valid unified social credit code",
        ):
            partner.vat = "91110108551385082X"

    def test_vat_of_a_foreign_company_is_not_a_credit_code(self):
        partner = self._company(country_id=self.env.ref("base.de").id)
        partner.vat = "DE123456788"
        self.assertEqual(partner.vat, "DE123456788")
        self.assertFalse(partner.social_credit_code)

    def test_mixed_batch(self):
        chinese = self._company(country_id=self.china.id)
        german = self._company(
            name="Berlin GmbH", country_id=self.env.ref("base.de").id
        )
        (chinese | german).write({"vat": CODE_A})
        self.assertEqual(chinese.social_credit_code, CODE_A)
        self.assertFalse(german.social_credit_code)
        self.assertEqual(german.vat, CODE_A)

    def test_two_different_numbers_are_refused(self):
        with self.assertRaisesRegex(UserError, "they are one number"):
            self._company(social_credit_code=CODE_A, vat=CODE_B)


@tagged("post_install", "-at_install")
class TestFapiao(LabSampleCommon):
    """Invoicing details on the customer, the fapiao type of samples, orders and
    invoices, the invoice's snapshot and the finance office's export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {"country_id": cls.env.ref("base.cn").id, "vat": CODE_A, **DETAILS}
        )
        cls.tax = cls.env["account.tax"].create(
            {"name": "VAT 6%", "amount": 6.0, "amount_type": "percent"}
        )
        cls.accountant = new_test_user(
            cls.env,
            login="fapiao_accountant",
            groups="account.group_account_invoice",
            company_id=cls.env.company.id,
        )

    def _invoice(self, day, lines, move_type="out_invoice", post=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": quantity,
                            "price_unit": price,
                            "tax_ids": [Command.set(self.tax.ids)],
                        }
                    )
                    for product, quantity, price in lines
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def test_fixture_company_is_on_the_chart_of_the_test_country(self):
        """tests/test_chinese_chart.py runs these tests with the fixture's
        company in China (LAB_CRM_TEST_COUNTRY=CN): on the Chinese chart, in CNY.
        Otherwise the company is on Odoo's generic chart."""
        company = self.env.company
        if os.environ.get("LAB_CRM_TEST_COUNTRY") == "CN":
            self.assertEqual(
                (
                    company.country_id.code,
                    company.currency_id.name,
                    company.chart_template,
                ),
                ("CN", "CNY", "cn"),
            )
        else:
            self.assertEqual(company.chart_template, "generic_coa")

    def test_change_of_invoicing_details_is_in_the_history(self):
        before = self.customer.change_ids
        self.customer.fapiao_bank_account = "1202 0000 0912 9999"
        change = self.customer.change_ids - before
        self.assertEqual(change.kind, "invoicing")
        self.assertIn("1202 0000 0912 3456", change.old_value)
        self.assertIn("1202 0000 0912 9999", change.new_value)

    def test_sample_and_order_carry_the_fapiao_type(self):
        sample = self._sample()
        self.assertEqual(sample.fapiao_type, "special")  # the customer's
        sample.fapiao_type = "general"
        order = sample._ensure_sale_order()
        self.assertEqual(order.fapiao_type, "general")
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.fapiao_type, "general")

    def test_order_takes_the_customers_type(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.contact.id,
                "order_line": [Command.create({"product_id": self.tensile.id})],
            }
        )
        self.assertEqual(order.fapiao_type, "special")
        order.action_confirm()
        self.assertEqual(order._create_invoices().fapiao_type, "special")

    def test_invoice_keeps_the_details_it_was_issued_with(self):
        draft = self._invoice("2026-03-10", [(self.tensile, 1, 200.0)], post=False)
        self.assertFalse(draft.fapiao_title)
        draft.action_post()
        self.assertRecordValues(
            draft,
            [
                {
                    "fapiao_type": "special",
                    "fapiao_title": "江南纺织有限公司",
                    "fapiao_taxpayer_id": CODE_A,
                    "fapiao_address_phone": "杭州市中山路1号 0571-8888 0000",
                    "fapiao_bank_account": BANK_ACCOUNT,
                    "fapiao_email": "fapiao@jiangnan.example",
                }
            ],
        )
        self.customer.write({"fapiao_title": "江南纺织集团", "fapiao_type": "general"})
        self.assertEqual(draft.fapiao_title, "江南纺织有限公司")
        self.assertEqual(draft.fapiao_type, "special")

    def test_printed_invoice_of_a_chinese_company_shows_the_details(self):
        invoice = self._invoice("2026-03-10", [(self.tensile, 1, 200.0)])

        def printed():
            html, _type = self.env["ir.actions.report"]._render_qweb_html(
                "account.report_invoice", invoice.ids
            )
            return html.decode()

        self.env.company.country_id = self.env.ref("base.cn")
        self.assertIn("江南纺织有限公司", printed())
        self.assertIn(BANK_ACCOUNT, printed())
        self.env.company.country_id = self.env.ref("base.us")
        self.assertNotIn('id="lab_fapiao"', printed())

    def _export(self, date_from, date_to, user=None):
        wizard = (
            self.env["lab.fapiao.export.wizard"]
            .with_user(user or self.accountant)
            .create({"date_from": date_from, "date_to": date_to})
        )
        return wizard

    def test_export_rows(self):
        invoice = self._invoice(
            "2026-03-10", [(self.tensile, 2, 120.0), (self.colour, 1, 350.0)]
        )
        refund = self._invoice(
            "2026-03-20", [(self.tensile, 1, 120.0)], move_type="out_refund"
        )
        self._invoice("2026-04-01", [(self.tensile, 1, 999.0)])  # after the period
        self._invoice("2026-03-15", [(self.tensile, 1, 888.0)], post=False)  # draft
        head = {
            "fapiao_type": "Special VAT Invoice",
            "buyer": "江南纺织有限公司",
            "taxpayer_id": CODE_A,
            "address_phone": "杭州市中山路1号 0571-8888 0000",
            "bank_account": BANK_ACCOUNT,
            "email": "fapiao@jiangnan.example",
            "currency": self.env.company.currency_id.name,
        }
        unit = self.tensile.uom_id.name
        expected = [
            {
                **head,
                "invoice": invoice.name,
                "date": fields.Date.to_date("2026-03-10"),
                "item": invoice.invoice_line_ids[0].name,
                "uom": unit,
                "quantity": 2.0,
                "price_unit": 120.0,
                "amount": 240.0,  # 2 x 120
                "tax_rate": 0.06,
                "tax": 14.4,  # 240 x 6%
            },
            {
                **head,
                "invoice": invoice.name,
                "date": fields.Date.to_date("2026-03-10"),
                "item": invoice.invoice_line_ids[1].name,
                "uom": self.colour.uom_id.name,
                "quantity": 1.0,
                "price_unit": 350.0,
                "amount": 350.0,  # 1 x 350
                "tax_rate": 0.06,
                "tax": 21.0,  # 350 x 6%
            },
            {
                **head,
                "invoice": refund.name,
                "date": fields.Date.to_date("2026-03-20"),
                "item": refund.invoice_line_ids.name,
                "uom": unit,
                "quantity": -1.0,  # a credit note: a red-letter fapiao
                "price_unit": 120.0,
                "amount": -120.0,
                "tax_rate": 0.06,
                "tax": -7.2,  # -120 x 6%
            },
        ]
        wizard = self._export("2026-03-01", "2026-03-31")
        self.assertEqual(wizard._fapiao_rows(), expected)

        action = wizard.action_export()
        self.assertIn(
            f"/web/content/lab.fapiao.export.wizard/{wizard.id}/", action["url"]
        )
        sheet = load_workbook(io.BytesIO(base64.b64decode(wizard.export_file))).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(len(rows), 4)  # the header and the three lines
        self.assertEqual(rows[0][0], "Invoice Number")
        self.assertEqual(rows[3][0], refund.name)
        self.assertEqual(rows[1][12], 240.0)

    def test_export_is_for_accountants_and_managers(self):
        with self.assertRaises(AccessError):
            self._export("2026-03-01", "2026-03-31", user=self.lab_user)
        self.assertTrue(self._export("2026-03-01", "2026-03-31", user=self.lab_manager))

    def test_export_period_must_be_a_period(self):
        with self.assertRaisesRegex(UserError, "must end after it starts"):
            self._export("2026-03-31", "2026-03-01")
