import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every term of the interface is translated into Simplified Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reader = TranslationModuleReader(cls.env.cr, modules=["lab_crm"])
        cls.terms = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in reader
            if module == "lab_crm"
        }
        cls.po = polib.pofile(file_path("lab_crm/i18n/zh_CN.po"))

    def test_terms_were_found(self):
        # Sanity of the check itself: the reader sees the addon's own strings.
        self.assertIn("Unified Social Credit Code", self.terms)
        self.assertIn("Laboratory CRM", self.terms)

    def test_every_term_has_a_chinese_translation(self):
        translated = {
            entry.msgid
            for entry in self.po
            if entry.msgstr.strip() and not entry.obsolete
        }
        missing = sorted(self.terms - translated)
        self.assertFalse(
            missing,
            "Terms without a zh_CN translation (export the .pot and translate them):\n"
            + "\n".join(missing),
        )

    def test_chinese_is_what_users_see(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search(
            [("name", "=", "lab_crm")]
        )._update_translations(["zh_CN"])
        field = (
            self.env["res.partner"]
            .with_context(lang="zh_CN")
            .fields_get(["social_credit_code"])
        )
        self.assertEqual(field["social_credit_code"]["string"], "统一社会信用代码")
        menu = self.env.ref("lab_crm.lab_crm_menu_root").with_context(lang="zh_CN")
        self.assertNotEqual(menu.name, "Laboratory CRM")
