from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import LabCrmCommon, LabCrmFixture, password


class SensitiveProfileFixture(LabCrmFixture):
    @classmethod
    def _make_key_person(cls):
        return (
            cls.env["lab.key.person"]
            .sudo()
            .create(
                {
                    "partner_id": cls.customer.id,
                    "role": "head",
                    "contact_id": cls.contact.id,
                    "personality": "Decisive, dislikes long reports",
                    "interests": "Go, calligraphy",
                    "background": "Former textile engineer",
                }
            )
        )


@tagged("post_install", "-at_install")
class TestSensitiveProfileOrm(LabCrmCommon, SensitiveProfileFixture):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key_person = cls._make_key_person()

    def test_plain_user_neither_reads_nor_writes_key_persons(self):
        for user in (self.lab_user, self.lab_manager):
            with self.subTest(user=user.login):
                customer = self.customer.with_user(user)
                with self.assertRaises(AccessError):
                    customer.read(["key_person_ids"])
                with self.assertRaises(AccessError):
                    customer.write(
                        {
                            "key_person_ids": [
                                (0, 0, {"role": "in_charge", "personality": "x"})
                            ]
                        }
                    )
                with self.assertRaises(AccessError):
                    self.key_person.with_user(user).read(["personality"])
                with self.assertRaises(AccessError):
                    self.key_person.with_user(user).write({"interests": "y"})
                with self.assertRaises(AccessError):
                    self.env["lab.key.person"].with_user(user).create(
                        {"partner_id": self.customer.id}
                    )
                # The rest of the profile stays readable.
                self.assertEqual(
                    customer.read(["customer_category"])[0]["customer_category"],
                    "manufacturer",
                )

    def test_plain_user_form_does_not_show_key_persons(self):
        arch = (
            self.env["res.partner"]
            .with_user(self.lab_user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("key_person_ids", arch)
        self.assertIn("customer_category", arch)
        arch = (
            self.env["res.partner"]
            .with_user(self.lab_sensitive)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("key_person_ids", arch)

    def test_sensitive_group_reads_and_writes_key_persons(self):
        customer = self.customer.with_user(self.lab_sensitive)
        self.assertEqual(
            customer.key_person_ids.personality, "Decisive, dislikes long reports"
        )
        customer.write(
            {
                "key_person_ids": [
                    (0, 0, {"role": "in_charge", "interests": "Marathons"})
                ]
            }
        )
        self.assertEqual(
            sorted(customer.key_person_ids.mapped("role")), ["head", "in_charge"]
        )
        self.key_person.with_user(self.lab_sensitive).interests = "Go"
        self.assertEqual(self.key_person.interests, "Go")


@tagged("post_install", "-at_install")
class TestSensitiveProfileJsonRpc(HttpCase, SensitiveProfileFixture):
    """The same rule through the JSON-RPC endpoint, as an external client sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_lab_fixture()
        cls.key_person = cls._make_key_person()

    def _execute_kw(self, user, model, method, args, kwargs=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.env.cr.dbname,
                    user.id,
                    password(user),
                    model,
                    method,
                    args,
                    kwargs or {},
                ],
            },
        }
        return self.url_open("/jsonrpc", json=payload).json()

    def _assert_access_error(self, response):
        self.assertIn("error", response, response)
        self.assertEqual(
            response["error"]["data"]["name"],
            "odoo.exceptions.AccessError",
            response["error"],
        )

    def test_plain_user_gets_access_error(self):
        self._assert_access_error(
            self._execute_kw(
                self.lab_user,
                "res.partner",
                "read",
                [[self.customer.id], ["key_person_ids"]],
            )
        )
        self._assert_access_error(
            self._execute_kw(
                self.lab_user,
                "lab.key.person",
                "read",
                [[self.key_person.id], ["personality"]],
            )
        )
        self._assert_access_error(
            self._execute_kw(
                self.lab_user,
                "lab.key.person",
                "search_read",
                [[]],
                {"fields": ["background"]},
            )
        )
        self._assert_access_error(
            self._execute_kw(
                self.lab_user,
                "lab.key.person",
                "write",
                [[self.key_person.id], {"interests": "x"}],
            )
        )
        # The field is not even advertised to the plain user; the rest is.
        response = self._execute_kw(
            self.lab_user, "res.partner", "fields_get", [], {"attributes": ["type"]}
        )
        self.assertNotIn("key_person_ids", response["result"])
        response = self._execute_kw(
            self.lab_user,
            "res.partner",
            "read",
            [[self.customer.id], ["customer_category"]],
        )
        self.assertEqual(response["result"][0]["customer_category"], "manufacturer")

    def test_sensitive_group_reads(self):
        response = self._execute_kw(
            self.lab_sensitive,
            "res.partner",
            "fields_get",
            [],
            {"attributes": ["type"]},
        )
        self.assertEqual(response["result"]["key_person_ids"]["type"], "one2many")
        response = self._execute_kw(
            self.lab_sensitive,
            "lab.key.person",
            "search_read",
            [[("partner_id", "=", self.customer.id)]],
            {"fields": ["personality"]},
        )
        self.assertEqual(
            [r["personality"] for r in response["result"]],
            ["Decisive, dislikes long reports"],
        )
        response = self._execute_kw(
            self.lab_sensitive,
            "res.partner",
            "read",
            [[self.customer.id], ["key_person_ids"]],
        )
        self.assertEqual(response["result"][0]["key_person_ids"], [self.key_person.id])
