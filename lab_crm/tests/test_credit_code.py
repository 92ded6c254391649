from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CODE_A, CODE_B, LabCrmCommon


@tagged("post_install", "-at_install")
class TestCreditCode(LabCrmCommon):
    def _company(self, name, code, **vals):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "social_credit_code": code, **vals}
        )

    def test_valid_code_is_kept_in_compact_form(self):
        partner = self._company("Valid Ltd", "9111 0108-5513 85082q")
        self.assertEqual(partner.social_credit_code, CODE_A)

    def test_valid_code_through_the_form(self):
        with Form(
            self.env["res.partner"]
            .with_user(self.lab_user)
            .with_context(default_is_company=True)
        ) as form:
            form.name = "Form Ltd"
            form.social_credit_code = CODE_B.lower()
        self.assertEqual(form.record.social_credit_code, CODE_B)

    def test_invalid_code_is_refused(self):
        # Last character changed: the check digit no longer matches.
        with self.assertRaisesRegex(
            ValidationError,
            "91110108551385082X is not a valid unified social credit code",
        ):
            self._company("Bad Ltd", "91110108551385082X")
        with self.assertRaises(ValidationError):
            self._company("Short Ltd", "9111010855")

    def test_duplicate_in_same_company_names_the_other_customer(self):
        self._company("First Ltd", CODE_A, company_id=self.env.company.id)
        with self.assertRaisesRegex(ValidationError, "already used by First Ltd"):
            self._company("Second Ltd", CODE_A, company_id=self.env.company.id)
        # Also when the duplicate comes by a later write.
        other = self._company("Third Ltd", CODE_B, company_id=self.env.company.id)
        with self.assertRaisesRegex(ValidationError, "already used by First Ltd"):
            other.social_credit_code = CODE_A

    def test_duplicate_with_a_shared_customer_is_refused(self):
        # A customer without company is seen by every company: it clashes with all.
        self._company("Shared Ltd", CODE_A, company_id=False)
        with self.assertRaisesRegex(ValidationError, "already used by Shared Ltd"):
            self._company("Local Ltd", CODE_A, company_id=self.env.company.id)

    def test_duplicate_in_another_company_is_allowed(self):
        other_company = self.env["res.company"].create({"name": "Lab Branch Shenzhen"})
        first = self._company("First Ltd", CODE_A, company_id=self.env.company.id)
        second = self._company(
            "First Ltd (Shenzhen)", CODE_A, company_id=other_company.id
        )
        self.assertEqual(first.social_credit_code, second.social_credit_code)

    def test_duplicate_of_archived_customer_is_allowed(self):
        old = self._company("Old Ltd", CODE_A, company_id=self.env.company.id)
        old.active = False
        new = self._company("New Ltd", CODE_A, company_id=self.env.company.id)
        self.assertTrue(new.exists())
        # ...but reactivating the old one would make a duplicate.
        with self.assertRaisesRegex(ValidationError, "already used by New Ltd"):
            old.active = True

    def test_duplicates_within_one_batch_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["res.partner"].create(
                [
                    {
                        "name": "Twin A",
                        "is_company": True,
                        "social_credit_code": CODE_A,
                    },
                    {
                        "name": "Twin B",
                        "is_company": True,
                        "social_credit_code": CODE_A,
                    },
                ]
            )
