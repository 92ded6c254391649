import re

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader

LANGS = ("zh_CN", "zh_TW")
# printf placeholders, {{ expressions }} and {fields}: a translation keeps them all.
PLACEHOLDER = re.compile(
    r"%%"
    r"|%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"
    r"|\{\{.*?\}\}"
    r"|\{[\w.\[\]]*\}",
    re.DOTALL,
)


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """Every term of the interface is translated into Simplified Chinese (zh_CN)
    and Traditional Chinese as used in Taiwan (zh_TW, generated from zh_CN by
    scripts/zh_tw.py)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        reader = TranslationModuleReader(cls.env.cr, modules=["lab_crm"])
        cls.terms = {
            source
            for module, _type, _name, _res_id, source, _value, _comments in reader
            if module == "lab_crm"
        }
        cls.pot = polib.pofile(file_path("lab_crm/i18n/lab_crm.pot"))
        cls.po = {
            lang: polib.pofile(file_path(f"lab_crm/i18n/{lang}.po")) for lang in LANGS
        }

    def _translated(self, lang):
        return {
            entry.msgid
            for entry in self.po[lang]
            if entry.msgstr.strip() and not entry.fuzzy and not entry.obsolete
        }

    def test_terms_were_found(self):
        # Sanity of the check itself: the reader sees the addon's own strings.
        self.assertIn("Unified Social Credit Code", self.terms)
        self.assertIn("Laboratory CRM", self.terms)
        self.assertIn("Unified Social Credit Code", {e.msgid for e in self.pot})

    def test_every_term_has_a_chinese_translation(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                missing = sorted(self.terms - self._translated(lang))
                self.assertFalse(
                    missing,
                    f"Terms without a {lang} translation (run `make pot`, translate "
                    f"them in zh_CN.po, then run scripts/zh_tw.py):\n"
                    + "\n".join(missing),
                )

    def test_every_template_entry_is_translated(self):
        template = {entry.msgid for entry in self.pot if entry.msgid}
        for lang in LANGS:
            with self.subTest(lang=lang):
                self.assertEqual(
                    self.po[lang].metadata.get("Language"), lang, "PO header Language"
                )
                missing = sorted(template - self._translated(lang))
                self.assertFalse(
                    missing,
                    f"Entries of lab_crm.pot untranslated or fuzzy in {lang}.po:\n"
                    + "\n".join(missing),
                )
                fuzzy = [entry.msgid for entry in self.po[lang].fuzzy_entries()]
                self.assertFalse(
                    fuzzy, f"Fuzzy entries in {lang}.po:\n" + "\n".join(fuzzy)
                )

    def test_translations_keep_the_placeholders(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                wrong = [
                    f"{entry.msgid!r} -> {entry.msgstr!r}"
                    for entry in self.po[lang].translated_entries()
                    if sorted(PLACEHOLDER.findall(entry.msgid))
                    != sorted(PLACEHOLDER.findall(entry.msgstr))
                ]
                self.assertFalse(
                    wrong, f"Placeholders changed in {lang}.po:\n" + "\n".join(wrong)
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

    def test_traditional_chinese_is_what_taiwan_users_see(self):
        # Only lab_crm's own zh_TW.po is loaded: the test needs no zh_TW of Odoo.
        self.env["res.lang"]._activate_lang("zh_TW")
        self.env["ir.module.module"]._load_module_terms(["lab_crm"], ["zh_TW"])
        field = (
            self.env["res.partner"]
            .with_context(lang="zh_TW")
            .fields_get(["social_credit_code"])
        )
        # 代碼, not s2twp's 程式碼 (program code): scripts/zh_tw.py's glossary.
        self.assertEqual(field["social_credit_code"]["string"], "統一社會信用代碼")
        menu = self.env.ref("lab_crm.lab_crm_menu_root").with_context(lang="zh_TW")
        self.assertEqual(menu.name, "實驗室客戶關係管理")
