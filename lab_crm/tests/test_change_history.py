from odoo.tests import Form, tagged

from .common import CODE_A, LabCrmCommon


@tagged("post_install", "-at_install")
class TestChangeHistory(LabCrmCommon):
    def test_profile_changes_are_kept_with_date_and_author(self):
        self.customer.write({"street": "1 Old Road", "city": "Suzhou"})
        self.customer.change_ids.unlink()
        customer = self.customer.with_user(self.lab_user)
        customer.write(
            {
                "name": "Jiangnan Textile Group",
                "city": "Wuxi",
                "ownership_type": "joint_venture",
                "enterprise_scale": "large",
                "legal_representative": "Zhou Min",
                "social_credit_code": CODE_A,
            }
        )
        changes = {
            c.kind: (c.old_value or "", c.new_value) for c in self.customer.change_ids
        }
        self.assertEqual(
            changes,
            {
                "name": ("Jiangnan Textile", "Jiangnan Textile Group"),
                "address": ("1 Old Road, Suzhou", "1 Old Road, Wuxi"),
                "ownership": ("", "Joint venture"),
                "scale": ("", "Large"),
                "legal_representative": ("", "Zhou Min"),
                "credit_code": ("", CODE_A),
            },
        )
        self.assertEqual(self.customer.change_ids.user_id, self.lab_user)
        self.assertEqual(
            set(self.customer.change_ids.mapped("date")),
            {self.customer.change_ids[0].date},
        )

    def test_unwatched_or_unchanged_values_leave_no_history(self):
        self.customer.change_ids.unlink()
        self.customer.write(
            {"comment": "Prefers e-mail", "customer_category": "manufacturer"}
        )
        self.customer.write({"name": "Jiangnan Textile"})  # same name again
        self.assertFalse(self.customer.change_ids)

    def test_contacts_have_no_history(self):
        self.contact.write({"name": "Chen Li (Quality)", "city": "Wuxi"})
        self.assertFalse(
            self.env["lab.partner.change"].search(
                [("partner_id", "=", self.contact.id)]
            )
        )

    def test_restructuring_is_recorded_as_a_dated_event(self):
        with Form(self.env["lab.partner.change"].with_user(self.lab_user)) as form:
            form.partner_id = self.customer
            form.kind = "restructuring"
            form.date = "2021-09-01"
            form.description = (
                "Restructured from a state-owned plant into a joint-stock company"
            )
        event = form.record
        self.assertIn(event, self.customer.change_ids)
        self.assertEqual(str(event.date), "2021-09-01")
        self.assertEqual(event.user_id, self.lab_user)
