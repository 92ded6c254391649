"""What a user can call over JSON-RPC: every public method lab_crm defines.

A method a button calls can be called by anyone who may read the record, with
``/web/dataset/call_kw``, whether or not the view shows them the button. A
customer in the portal reads their own company's samples, complaints and
surveys, and their company: each public method of those models is refused to
them with an access error, and nothing changes in the database. An internal
user without Lab CRM groups is refused every method of the lab models and the
Lab CRM buttons of customers.

The methods are listed from lab_crm's classes, not by hand: a new public method
without its row below fails the test, so that someone decides who may call it.
"""

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .sample_common import LabSampleCommon

ACCESS_ERROR = "odoo.exceptions.AccessError"


def lab_crm_public_methods(model):
    """The names of the public methods (callable over RPC) that lab_crm's
    classes define on ``model``, its overrides of Odoo's methods included."""
    names = set()
    for cls in type(model).mro():
        if not cls.__module__.startswith("odoo.addons.lab_crm."):
            continue
        for name, attr in vars(cls).items():
            if (
                not name.startswith("_")
                and callable(attr)
                and not getattr(attr, "_api_private", False)
            ):
                names.add(name)
    return names


@tagged("post_install", "-at_install")
class TestMethodAccess(LabSampleCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.buyer = env["res.partner"].create(
            {"name": "Wang Fang", "parent_id": cls.customer.id}  # no e-mail
        )
        # Logins of 8 characters or more: the password is the login.
        cls.portal = new_test_user(
            env,
            login="portal_customer",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.employee = new_test_user(
            env, login="plain_employee", groups="base.group_user"
        )
        cls.sample = cls._sample(state="requested")
        cls.complaint = env["lab.complaint"].create(
            {"partner_id": cls.customer.id, "summary": "Wrong unit on the report"}
        )
        # The known hole: sending a survey whose contact has no e-mail wrote a
        # new link, its expiry and the state with superuser rights.
        cls.survey = env["lab.survey"].create(
            {"partner_id": cls.customer.id, "contact_id": cls.buyer.id}
        )
        today = fields.Date.today()
        cls.service_request = env["lab.service.request"].create(
            {
                "partner_id": cls.customer.id,
                "summary": "Which standard?",
                "type_id": env.ref("lab_crm.lab_service_request_type_technical").id,
            }
        )
        cls.contract = env["lab.service.contract"].create(
            {
                "partner_id": cls.customer.id,
                "date_end": fields.Date.add(today, days=365),
            }
        )
        cls.campaign = env["lab.survey.campaign"].create({"name": "Spring survey"})
        cls.target_group = env["lab.target.group"].create({"name": "Manufacturers"})
        cls.competitor = env["lab.competitor"].create({"name": "Eastern Testing"})
        cls.assessment = env["lab.assessment"].create(
            {"name": "2026", "date_from": today, "date_to": today}
        )
        level = env.ref("lab_crm.lab_arrears_reminder_level_friendly")
        cls.reminder = env["lab.arrears.reminder"].create(
            {"partner_id": cls.customer.id, "level_id": level.id}
        )
        cls.report_version = (
            env["lab.report.version"]
            .sudo()
            .create(
                {
                    "name": "R-0001",
                    "partner_id": cls.customer.id,
                    "sample_id": cls._sample().id,
                    "report_date": today,
                }
            )
        )
        manager = env(user=cls.lab_manager)
        cls.wizards = {
            "lab.credit.hold.wizard": manager["lab.credit.hold.wizard"].create(
                {"partner_id": cls.customer.id, "reason": "Paid by transfer"}
            ),
            "lab.handover.wizard": manager["lab.handover.wizard"].create(
                {
                    "departing_user_id": cls.lab_user.id,
                    "successor_id": cls.lab_manager.id,
                }
            ),
            "lab.segment.wizard": manager["lab.segment.wizard"].create({}),
            "lab.model.check.wizard": manager["lab.model.check.wizard"].create({}),
            "lab.sample.override.wizard": manager["lab.sample.override.wizard"].create(
                {"sample_id": cls.sample.id, "reason": "Urgent"}
            ),
            "lab.sample.batch.wizard": manager["lab.sample.batch.wizard"].create(
                {
                    "partner_id": cls.customer.id,
                    "line_ids": [Command.create({"sample_name": "Denim"})],
                }
            ),
            "lab.staff.kpi.wizard": manager["lab.staff.kpi.wizard"].create({}),
            "lab.report.change.wizard": manager["lab.report.change.wizard"].create(
                {"sample_id": cls.sample.id, "kind": "withdraw", "reason": "Typo"}
            ),
            "lab.fapiao.export.wizard": manager["lab.fapiao.export.wizard"].create({}),
            "lab.target.group.plan.wizard": manager[
                "lab.target.group.plan.wizard"
            ].create(
                {
                    "target_group_id": cls.target_group.id,
                    "activity_type_id": env.ref("mail.mail_activity_data_call").id,
                }
            ),
        }

    # Helpers

    def _call(self, model, method, record, args):
        """``method`` of ``model`` over JSON-RPC, on ``record`` (None: a method
        of the model, such as ``create``)."""
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": list(args) if record is None else [record.ids, *args],
                "kwargs": {},
            },
        )

    def _database(self, records):
        """What the calls must not change, read as superuser: the stored fields
        of ``records`` and the number of records of the models they could add
        to."""
        self.env.invalidate_all()
        state = {}
        for recordset in records:
            record = recordset.sudo().with_context(active_test=False)
            fnames = [
                fname
                for fname, field in record._fields.items()
                if field.store and field.type != "binary"
            ]
            state[record._name] = record.read(fnames)
        for model in (
            "lab.sample",
            "lab.sample.line",
            "lab.complaint",
            "lab.survey",
            "lab.service.request",
            "res.partner",
            "sale.order",
            "account.move",
            "mail.message",
            "mail.activity",
        ):
            state[model] = (
                self.env[model].sudo().with_context(active_test=False).search_count([])
            )
        return state

    def _assert_refused(self, user, calls, records):
        """Each of ``calls`` (model: {method: (record, args)}) by ``user`` is
        refused with an access error, and nothing changes."""
        self.authenticate(user.login, user.login)
        before = self._database(records)
        for model, methods in calls.items():
            for method, (record, args) in methods.items():
                with self.subTest(model=model, method=method):
                    with self.assertRaises(JsonRpcException) as refused:
                        self._call(model, method, record, args)
                    self.assertEqual(str(refused.exception), ACCESS_ERROR)
        self.assertEqual(self._database(records), before)

    def _assert_all_listed(self, calls, models):
        for model in models:
            with self.subTest(model=model):
                self.assertEqual(
                    set(calls.get(model, {})),
                    lab_crm_public_methods(self.env[model]),
                    f"each public method of {model} has its row (who may call it?)",
                )

    # Tests

    def test_portal_customer_calls_no_method(self):
        customer, sample, complaint, survey = (
            self.customer,
            self.sample,
            self.complaint,
            self.survey,
        )
        self.assertTrue(sample.with_user(self.portal).has_access("read"))
        self.assertTrue(survey.with_user(self.portal).has_access("read"))
        new_sample = {"partner_id": customer.id, "sample_name": "Probe"}
        calls = {
            "lab.sample": {
                "create": (None, [new_sample]),
                "write": (sample, [{"state": "received"}]),
                **{
                    method: (sample, [])
                    for method in (
                        "action_accept",
                        "action_start_review",
                        "action_approve_review",
                        "action_back_to_received",
                        "action_report",
                        "action_deliver",
                        "action_cancel",
                        "action_create_sale_order",
                        "action_view_sale_order",
                        "action_override_prepaid",
                        "action_amend_report",
                        "action_withdraw_report",
                    )
                },
            },
            "lab.sample.line": {},
            "lab.complaint": {
                "create": (None, [{"partner_id": customer.id, "summary": "Late"}]),
                "write": (complaint, [{"state": "rejected"}]),
                "message_new": (
                    None,
                    [{"subject": "Late report", "email_from": "chen.li@example.com"}],
                ),
                **{
                    method: (complaint, [])
                    for method in (
                        "action_accept_review",
                        "action_investigate",
                        "action_take_action",
                        "action_await_customer",
                        "action_close",
                        "action_reject",
                        "action_back_to_investigation",
                        "action_back_to_action",
                        "action_reopen",
                        "action_create_credit_note",
                        "action_view_credit_note",
                    )
                },
            },
            "lab.survey": {
                method: (survey, [])
                for method in ("action_send", "action_mark_answered", "action_analyse")
            },
            "res.partner": {
                "create": (None, [{"name": "New contact", "parent_id": customer.id}]),
                "write": (customer, [{"comment": "Visited"}]),
                **{
                    method: (customer, [])
                    for method in (
                        "action_view_relationship_curve",
                        "action_lift_credit_hold",
                        "action_view_samples",
                        "action_view_complaints",
                        "action_view_qualifications",
                        "action_view_lab_reminders",
                    )
                },
            },
        }
        self._assert_all_listed(calls, calls)
        self._assert_refused(
            self.portal,
            calls,
            [
                customer | self.contact | self.buyer,
                sample,
                sample.line_ids,
                complaint,
                survey,
            ],
        )
        self.assertEqual(survey.state, "planned")
        self.assertFalse(survey.sudo().access_token)

    def test_employee_without_lab_groups_calls_no_lab_method(self):
        """Lab models: no access rights at all. Customers: Odoo's rights on
        contacts, but not the Lab CRM buttons nor a credit-hold release."""
        records = {
            "lab.sample": self.sample,
            "lab.sample.line": self.sample.line_ids[:1],
            "lab.complaint": self.complaint,
            "lab.survey": self.survey,
            "lab.service.request": self.service_request,
            "lab.service.contract": self.contract,
            "lab.survey.campaign": self.campaign,
            "lab.target.group": self.target_group,
            "lab.competitor": self.competitor,
            "lab.assessment": self.assessment,
            "lab.assessment.line": self.assessment.line_ids[:1],
            "lab.arrears.reminder": self.reminder,
            # Its only public method, create, is the model's: no line is needed.
            "lab.arrears.reminder.line": self.env["lab.arrears.reminder.line"],
            "lab.arrears.line": self.env["lab.arrears.line"].browse(1),
            # search_count: overridden to read the view without PostgreSQL's JIT.
            "lab.arrears.customer": self.env["lab.arrears.customer"],
            "lab.report.version": self.report_version,
            "res.partner": self.customer,
            **self.wizards,
        }
        calls = {}
        for model, record in records.items():
            for method in lab_crm_public_methods(self.env[model]):
                api_model = getattr(
                    getattr(type(self.env[model]), method), "_api_model", False
                )
                args = {
                    "create": [{"name": "New", "partner_id": self.customer.id}],
                    "write": [{"name": "Renamed"}],
                    "message_new": [{"subject": "Late", "email_from": "a@b.example"}],
                    "default_get": [["period_months"]],
                    "search_count": [[]],
                }.get(method, [])
                calls.setdefault(model, {})[method] = (
                    None if api_model else record,
                    args,
                )
        # Customers: creating and editing them is Odoo's right of every employee;
        # releasing a credit hold is not.
        release = {
            "lab_credit_hold_released_until": fields.Date.to_string(fields.Date.today())
        }
        calls["res.partner"]["create"] = (None, [{"name": "Held", **release}])
        calls["res.partner"]["write"] = (self.customer, [release])
        lab_models = [
            name
            for name, model in self.env.registry.items()
            if name.startswith("lab.")
            and not model._abstract
            and lab_crm_public_methods(self.env[name])
        ]
        self._assert_all_listed(calls, [*lab_models, "res.partner"])
        self._assert_refused(
            self.employee,
            calls,
            [self.customer, self.sample, self.survey, self.complaint, self.reminder],
        )
