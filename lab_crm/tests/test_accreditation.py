"""Accreditation scope (CMA / CNAS): the laboratory's accreditations, the marks
of its test items, the marks a sample's report claims, and the expiry notice.

The fixture: the laboratory's CMA, valid 2024-01-01 to 2030-12-31, and its CNAS
accreditation, valid 2024-01-01 to 2026-09-30. Tensile strength is covered by
both, colour fastness by the CMA only, formaldehyde is subcontracted to another
laboratory, the pH value is covered by both.
"""

import re
from contextlib import contextmanager
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .sample_common import LabSampleCommon


@tagged("post_install", "-at_install")
class TestAccreditation(LabSampleCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env, company = cls.env, cls.env.company
        company.lab_accreditation_expiry_days = 90
        Accreditation = env["lab.accreditation"]
        cls.cma = Accreditation.create(
            {
                "kind": "cma",
                "name": "Inspection Body and Laboratory Mandatory Approval",
                "number": "241012340567",
                "scope": "Textiles: physical properties, colour fastness",
                "date_from": "2024-01-01",
                "date_to": "2030-12-31",
            }
        )
        cls.cnas = Accreditation.create(
            {
                "kind": "cnas",
                "name": "Laboratory Accreditation (ISO/IEC 17025)",
                "number": "CNAS L10482",
                "date_from": "2024-01-01",
                "date_to": "2026-09-30",
            }
        )
        cls.tensile.lab_accreditation_ids = cls.cma | cls.cnas
        cls.colour.lab_accreditation_ids = cls.cma
        cls.subcontractor = env["res.partner"].create(
            {"name": "Shanghai Fibre Inspection Centre", "is_company": True}
        )
        Product = env["product.product"]
        cls.formaldehyde = Product.create(
            {
                "name": "Formaldehyde content",
                "type": "service",
                "is_lab_test_item": True,
                "lab_is_subcontracted": True,
                "lab_subcontractor_id": cls.subcontractor.id,
                "list_price": 260.0,
            }
        )
        cls.ph = Product.create(
            {
                "name": "pH value",
                "type": "service",
                "is_lab_test_item": True,
                "lab_accreditation_ids": [Command.set((cls.cma | cls.cnas).ids)],
                "list_price": 120.0,
            }
        )
        cls.portal = new_test_user(
            env,
            login="portal_chen_li",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.employee = new_test_user(
            env, login="plain_employee", groups="base.group_user"
        )

    @contextmanager
    def _refused(self, pattern):
        """A ValidationError matching ``pattern``; what was tried is rolled back
        (Odoo's assertRaises, unlike assertRaisesRegex, runs in a savepoint)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def _line(self, sample, product):
        return sample.line_ids.filtered(lambda line: line.product_id == product)

    # Marks of the test items

    @freeze_time("2026-06-15")
    def test_marks_on_sample_lines_and_sale_order_lines(self):
        sample = self._sample(items=self.tensile | self.colour | self.formaldehyde)
        self.assertEqual(
            self._line(sample, self.tensile).accreditation_ids, self.cma | self.cnas
        )
        self.assertEqual(self._line(sample, self.colour).accreditation_ids, self.cma)
        formaldehyde = self._line(sample, self.formaldehyde)
        self.assertFalse(formaldehyde.accreditation_ids)
        self.assertTrue(formaldehyde.is_subcontracted)
        order = sample._ensure_sale_order()
        marks = {
            line.product_id: (line.lab_accreditation_ids, line.lab_is_subcontracted)
            for line in order.order_line
        }
        self.assertEqual(
            marks,
            {
                self.tensile: (self.cma | self.cnas, False),
                self.colour: (self.cma, False),
                self.formaldehyde: (self.cma.browse(), True),
            },
        )
        # The report's default claim: the marks both own items carry,
        # {CMA, CNAS} ∩ {CMA} = {CMA}; the subcontracted item does not count.
        self.assertEqual(sample.accreditation_ids, self.cma)

    def test_subcontracted_item_names_its_subcontractor_and_has_no_mark(self):
        with self._refused("Say which laboratory"):
            self.formaldehyde.lab_subcontractor_id = False
        with self._refused("is subcontracted"):
            self.formaldehyde.lab_accreditation_ids = self.cma
        with self._refused("is subcontracted"):
            self.cma.product_tmpl_ids += self.formaldehyde.product_tmpl_id

    def test_portal_request_form_shows_the_marks(self):
        self.authenticate(self.portal.login, self.portal.login)
        page = self.url_open("/my/samples/request")
        self.assertEqual(page.status_code, 200)

        def label(product):
            match = re.search(
                rf'for="test_item_{product.id}">(.*?)</label>', page.text, re.S
            )
            self.assertTrue(match, product.name)
            return re.findall(r'class="badge[^"]*"[^>]*>([^<]+)<', match.group(1))

        self.assertEqual(label(self.tensile), ["CMA", "CNAS"])
        self.assertEqual(label(self.colour), ["CMA"])
        self.assertEqual(label(self.formaldehyde), ["subcontracted"])

    @freeze_time("2026-06-15")
    def test_portal_sample_and_order_pages_show_the_marks(self):
        sample = self._sample(
            items=self.tensile | self.formaldehyde, contact_id=self.contact.id
        )
        order = sample._ensure_confirmed_sale_order()
        self.authenticate(self.portal.login, self.portal.login)
        for url in (sample.access_url, order.get_portal_url()):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200)
                badges = re.findall(
                    r'class="badge rounded-pill[^"]*"[^>]*>([^<]+)<', page.text
                )
                # Tensile: CMA and CNAS; formaldehyde: subcontracted.
                self.assertEqual(badges.count("CMA"), 1)
                self.assertEqual(badges.count("CNAS"), 1)
                self.assertEqual(badges.count("subcontracted"), 1)

    # What a report may claim

    @freeze_time("2026-06-15")
    def test_claim_outside_scope_refused_on_create(self):
        Sample = self.env["lab.sample"].with_user(self.lab_user)
        with self._refused(r"cannot carry CNAS: the test item .*Colour fastness"):
            Sample.create(
                {
                    "partner_id": self.customer.id,
                    "sample_name": "Poplin, claimed CNAS",
                    "line_ids": [
                        Command.create({"product_id": self.tensile.id}),
                        Command.create({"product_id": self.colour.id}),
                    ],
                    "accreditation_ids": [Command.set((self.cma | self.cnas).ids)],
                }
            )
        self.assertFalse(
            Sample.search_count([("sample_name", "=", "Poplin, claimed CNAS")])
        )

    @freeze_time("2026-06-15")
    def test_claim_outside_scope_refused_on_write(self):
        sample = self._sample(items=self.tensile | self.colour)
        sample = sample.with_user(self.lab_user)
        with self._refused("cannot carry CNAS"):
            sample.accreditation_ids = self.cma | self.cnas
        self.assertEqual(sample.accreditation_ids, self.cma)
        # An item outside the claim, added without the claim changing, is
        # refused too: the claim is written with the new item.
        with self._refused("cannot carry CNAS"):
            sample.write(
                {
                    "line_ids": [Command.create({"product_id": self.colour.id})],
                    "accreditation_ids": [Command.set((self.cma | self.cnas).ids)],
                }
            )
        # Within the scope: the tensile item alone carries both.
        tensile_only = self._sample(items=self.tensile).with_user(self.lab_user)
        tensile_only.accreditation_ids = self.cma
        tensile_only.accreditation_ids = self.cma | self.cnas
        self.assertEqual(tensile_only.accreditation_ids, self.cma | self.cnas)

    def test_expired_accreditation_cannot_be_claimed(self):
        # CNAS is valid until 2026-09-30.
        with freeze_time("2026-10-15"):
            sample = self._sample(items=self.tensile)
            # By default, the valid marks only: CMA.
            self.assertEqual(sample.accreditation_ids, self.cma)
            with self._refused("cannot carry CNAS: not valid on 2026-10-15"):
                sample.accreditation_ids = self.cma | self.cnas
            # A report dated while it was valid may carry it ...
            sample.write(
                {
                    "report_date": "2026-09-30",
                    "accreditation_ids": [Command.set((self.cma | self.cnas).ids)],
                }
            )
            self.assertEqual(sample.accreditation_ids, self.cma | self.cnas)
            # ... not once dated after.
            with self._refused("cannot carry CNAS: not valid on 2026-10-01"):
                sample.report_date = date(2026, 10, 1)
        # Nor before it is valid.
        with freeze_time("2023-12-31"):
            with self._refused("not valid on 2023-12-31"):
                self._sample(items=self.tensile, accreditation_ids=self.cma.ids)

    @freeze_time("2026-06-15")
    def test_report_scope(self):
        """Tensile (CMA, CNAS), colour (CMA), formaldehyde (subcontracted) and a
        rejected pH value: the report claims CMA, the marks both own items share.
        Outside: formaldehyde, subcontracted; not the pH value, rejected and not
        on the report."""
        sample = self._sample(
            items=self.tensile | self.colour | self.formaldehyde | self.ph
        )
        self._line(sample, self.ph).write(
            {"is_rejected": True, "rejection_reason": "Sample too small"}
        )
        scope = sample._lab_report_scope()
        self.assertEqual(
            scope["marks"],
            [
                {
                    "code": "CMA",
                    "name": "Inspection Body and Laboratory Mandatory Approval",
                    "number": "241012340567",
                }
            ],
        )
        self.assertEqual(scope["outside"], self._line(sample, self.formaldehyde))
        # A report that claims no mark: every item on it is outside, three of
        # the four (the rejected pH value is not on it).
        sample.accreditation_ids = False
        self.assertEqual(
            sample._lab_report_scope(),
            {
                "marks": [],
                "outside": sample.line_ids - self._line(sample, self.ph),
            },
        )

    # The expiry notice

    def _expiry_activities(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "lab.accreditation"),
                ("res_id", "in", (self.cma | self.cnas).ids),
                (
                    "activity_type_id",
                    "=",
                    self.env.ref("lab_crm.mail_activity_type_accreditation_expiry").id,
                ),
            ]
        )

    def test_expiring_accreditation_gives_the_quality_manager_one_activity(self):
        self.env.company.lab_quality_manager_id = self.lab_manager
        Accreditation = self.env["lab.accreditation"]
        # 2026-07-01 + 90 days = 2026-09-29: CNAS (2026-09-30) not yet.
        with freeze_time("2026-07-01"):
            Accreditation._cron_notify_expiring()
        self.assertFalse(self._expiry_activities())
        # 2026-07-02 + 90 days = 2026-09-30: CNAS enters its notice; the job
        # runs twice that day and again the next.
        with freeze_time("2026-07-02"):
            self.assertEqual(self.cnas.status, "expiring")
            Accreditation._cron_notify_expiring()
            Accreditation._cron_notify_expiring()
        with freeze_time("2026-07-03"):
            Accreditation._cron_notify_expiring()
        activity = self._expiry_activities()
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.res_id, self.cnas.id)
        self.assertEqual(activity.user_id, self.lab_manager)
        self.assertEqual(activity.date_deadline, date(2026, 9, 30))
        # Renewed until 2032: noticed again when the new date comes near.
        activity.action_done()
        self.cnas.date_to = date(2032, 9, 30)
        with freeze_time("2032-07-02"):
            Accreditation._cron_notify_expiring()
        self.assertEqual(len(self._expiry_activities()), 1)
        self.assertEqual(self._expiry_activities().date_deadline, date(2032, 9, 30))

    def test_without_quality_manager_every_lab_manager_is_told(self):
        self.env.company.lab_quality_manager_id = False
        with freeze_time("2026-07-02"):
            self.env["lab.accreditation"]._cron_notify_expiring()
        users = self._expiry_activities().user_id
        self.assertIn(self.lab_manager, users)
        self.assertNotIn(self.lab_user, users)
        self.assertTrue(
            all(user.has_group("lab_crm.group_lab_crm_manager") for user in users)
        )

    # Who reads and writes them

    def test_customers_read_the_public_part_only(self):
        accreditation = self.cma.with_user(self.portal)
        self.assertEqual(
            accreditation.read(["code", "number", "scope", "date_to"])[0]["number"],
            "241012340567",
        )
        for fname in ("expiry_notice_date", "product_tmpl_ids"):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                accreditation.read([fname])
        with self.assertRaises(AccessError):
            accreditation.write({"scope": "Everything"})
        with self.assertRaises(AccessError):
            self.env["lab.accreditation"].with_user(self.portal).create(
                {"kind": "other", "code": "ISO", "name": "Fake", "number": "1"}
            )

    def test_staff_read_managers_write(self):
        for user in (self.employee, self.lab_user):
            with self.subTest(user=user.login):
                accreditation = self.cnas.with_user(user)
                self.assertEqual(accreditation.code, "CNAS")
                self.assertEqual(
                    accreditation.product_tmpl_ids,
                    self.tensile.product_tmpl_id | self.ph.product_tmpl_id,
                )
                with self.assertRaises(AccessError):
                    accreditation.write({"number": "CNAS L00001"})
                with self.assertRaises(AccessError):
                    accreditation.unlink()
                with self.assertRaises(AccessError):
                    self.env["lab.accreditation"].with_user(user).create(
                        {"kind": "cma", "name": "Second", "number": "2"}
                    )
        self.cnas.with_user(self.lab_manager).scope = "Textiles: tensile strength"
        self.assertEqual(self.cnas.scope, "Textiles: tensile strength")

    def test_only_lab_managers_set_the_scope_of_test_items(self):
        """Odoo's product managers (Products: Create) edit products; the scope
        of a test item is the quality system's, a Lab CRM manager's."""
        sales_manager = new_test_user(
            self.env,
            login="sales_manager",
            groups="sales_team.group_sale_manager,product.group_product_manager",
        )
        template = self.colour.product_tmpl_id.with_user(sales_manager)
        template.list_price = 320.0  # the rest of the product stays theirs
        for vals in (
            {"lab_accreditation_ids": [Command.link(self.cnas.id)]},
            {
                "lab_is_subcontracted": True,
                "lab_subcontractor_id": self.subcontractor.id,
            },
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                template.write(vals)
        with self.assertRaises(AccessError):
            template.create(
                {
                    "name": "Pilling",
                    "lab_accreditation_ids": [Command.set(self.cma.ids)],
                }
            )
        # Duplicated, the item is outside every accreditation until a manager
        # says otherwise.
        self.assertFalse(
            self.tensile.product_tmpl_id.with_user(sales_manager)
            .copy()
            .lab_accreditation_ids
        )
        # A Lab CRM manager, who may not edit products, sets it from the
        # accreditation's side (its Test Items tab).
        self.cnas.with_user(
            self.lab_manager
        ).product_tmpl_ids += self.colour.product_tmpl_id
        self.assertEqual(self.colour.lab_accreditation_ids, self.cma | self.cnas)
