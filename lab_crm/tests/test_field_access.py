"""Who may read which field: every field lab_crm adds × every role.

Each field lab_crm adds, on its own models and on Odoo's, belongs to one access
class (``FIELD_CLASSES``, the table of the README's *Roles* section). A class says
who may read the field of a record they may read at all:

- customer: whoever reads the record, the customer's portal contacts included
  (what the portal pages show);
- staff: every internal user (``base.group_user``);
- lab: the Lab CRM groups;
- lab+accounting: the Lab CRM groups and accountants;
- accounting+manager, manager, sensitive, settings: restricted to accountants and
  Lab CRM managers, to Lab CRM managers, to the key-person profile group, to
  administrators.

Every role reads every field of customer A's record, alone: portal users, the
public and an internal user outside the Lab CRM groups through JSON-RPC against
the test server (what their browser session can do), the others through the ORM.
Each cell is compared with the class, refused and allowed alike. A field that no
class lists fails the test.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .test_access_matrix import EXPECTED, ROLES, AccessMatrixCommon

INTERNAL = {
    "internal",
    "user_team",
    "user_other",
    "sensitive",
    "all_customers",
    "manager",
    "accountant",
}
LAB = {"user_team", "user_other", "sensitive", "all_customers", "manager"}
CLASS_READERS = {
    "customer": {"public", "portal_a", "portal_b"} | INTERNAL,
    "staff": INTERNAL,
    "lab": LAB,
    "lab+accounting": LAB | {"accountant"},
    "accounting+manager": {"accountant", "manager"},
    "manager": {"manager"},
    "sensitive": {"sensitive"},
    "settings": set(),
}
RPC_ROLES = ("public", "portal_a", "portal_b", "internal")
ORM_ROLES = tuple(role for role in ROLES + ("internal",) if role not in RPC_ROLES)

# The classification, model by model: "*" gives the class of every field of a
# model only a Lab CRM or restricted audience may open at all (its access rights
# and rules already limit who reads any of its fields). The customer's own
# documents (samples, test items, complaints, surveys) and Odoo's models list each
# field. Fields of Odoo's mixins (chatter, activities, portal link) keep Odoo's.
FIELD_CLASSES = {
    "res.partner": {
        # The invoicing details for fapiao: the customer's contacts update them
        # in the portal (/my/invoicing).
        "customer": """
            fapiao_address fapiao_bank_account fapiao_bank_name fapiao_email
            fapiao_phone fapiao_title fapiao_type""",
        "staff": """
            acquisition_channel customer_category economic_overview enterprise_scale
            founding_date is_lab_prepaid lab_receives_reports lab_report_cc
            legal_representative lifecycle_stage main_products operating_status
            ownership_type quality_executive_id referrer_id service_manager_id
            social_credit_code technical_advisor_id""",
        "lab": """
            change_ids complaint_count complaint_count_12m complaint_open_count
            first_sample_date importance_grade lab_churn_level lab_clv lab_loyalty_type
            lab_probability_alive lab_rfm_segment lab_segment_snapshot_id
            lab_suggested_categories lab_survey_points lab_tier last_sample_date
            lifecycle_lost_reason lost_to_competitor_id qualification_count
            qualification_ids sample_count sample_count_12m sample_ids
            satisfaction_12m satisfaction_latest""",
        "lab+accounting": """
            lab_credit_hold_reason lab_credit_hold_released_until lab_risk_class""",
        "accounting+manager": """
            lab_payment_probability lab_reminder_count lab_reminder_ids
            lab_risk_factors""",
        "sensitive": "key_person_ids",
    },
    "lab.sample": {
        "customer": """
            accreditation_ids batch company_id contact_id create_date create_uid
            delivered_date description fapiao_type line_ids name partner_id
            promised_date quantity
            received_datetime report_date report_filename report_number sample_name
            state turnaround_days uom_id write_date write_uid""",
        "staff": """
            actual_turnaround_days invoice_status is_beyond_contract is_on_time
            is_prepaid on_time_rate payment_state prepaid_override_reason
            prepaid_override_user_id received_by_id report_file
            report_verification_count report_version_id report_version_ids
            review_datetime review_remarks review_user_id sale_order_id
            service_contract_id user_id""",
    },
    "lab.sample.line": {
        "customer": """
            accreditation_ids company_id create_date create_uid is_rejected
            is_subcontracted partner_id product_id sample_id sequence standard state
            turnaround_days write_date write_uid""",
        "staff": """
            actual_turnaround_days currency_id on_time_rate price_unit
            received_datetime rejection_reason""",
    },
    "lab.complaint": {
        "customer": """
            category company_id contact_id create_date create_uid description name
            partner_id received_date report_number result_date result_text sample_id
            state summary user_id write_date write_uid""",
        "staff": """
            channel close_date compensation_amount corrective_action credit_note_id
            currency_id customer_acceptance customer_acceptance_remarks days_to_close
            deadline effectiveness_date effectiveness_result effectiveness_user_id
            email_from invoice_id is_churn_threat is_overdue is_typical_case
            overdue_notice_date preventive_action rejection_reason result_method
            root_cause severity""",
    },
    "lab.survey": {
        "customer": """
            answered_datetime campaign_id comments company_id contact_id create_date
            create_uid date name nps partner_id score_accuracy score_attitude
            score_competence score_fees score_guidance score_resolution
            score_responsiveness score_turnaround state suggestions token_expiry_date
            write_date write_uid""",
        "staff": """
            access_token answer_url channel customer_category interviewer_id
            is_confirmed kind lead_id nps_category overall_score sample_id user_id""",
    },
    # The laboratory's accreditations are public (printed on reports, listed by
    # CNCA and CNAS): customers read them; the covered items (the catalogue) and
    # the expiry notice are the laboratory's.
    "lab.accreditation": {
        "customer": """
            active code company_id create_date create_uid date_from date_to kind
            name number scope status write_date write_uid""",
        "staff": "expiry_notice_date product_tmpl_ids",
    },
    "lab.survey.campaign": {"*": "lab"},
    "lab.qualification": {"*": "lab"},
    "lab.partner.change": {"*": "lab"},
    "lab.key.person": {"*": "sensitive"},
    "lab.service.request": {"*": "lab"},
    "lab.service.request.type": {"*": "lab"},
    "lab.service.contract": {"*": "lab"},
    "lab.training.session": {"*": "lab"},
    "lab.competitor": {"*": "lab"},
    "lab.target.group": {"*": "lab"},
    # Report versions and their delivery: the laboratory's; the customer sees
    # them in the portal's sample page (rendered by the server).
    "lab.report.version": {"*": "lab"},
    "lab.report.delivery": {"*": "lab"},
    "lab.report.verification": {"*": "manager"},
    # The snapshot's category is the customer's (staff's): Lab CRM users read both.
    "lab.segment.snapshot": {"*": "lab", "staff": "customer_category"},
    "lab.service.quality": {"*": "lab"},
    "lab.model.check": {"*": "manager"},
    "lab.model.check.line": {"*": "manager"},
    "lab.arrears.customer": {"*": "accounting+manager"},
    "lab.arrears.line": {"*": "accounting+manager"},
    "lab.arrears.reminder": {"*": "accounting+manager"},
    "lab.arrears.reminder.line": {"*": "accounting+manager"},
    "lab.arrears.reminder.level": {"*": "accounting+manager"},
    "lab.customer.risk": {"*": "accounting+manager"},
    "lab.staff.kpi": {"*": "manager"},
    "lab.assessment": {"*": "manager"},
    "lab.assessment.line": {"*": "manager"},
    "lab.assessment.result": {"*": "manager"},
    "lab.assessment.element": {"*": "manager"},
    "lab.assessment.criterion": {"*": "manager"},
    "lab.assessment.benchmark": {"*": "manager"},
    "lab.assessment.benchmark.line": {"*": "manager"},
    # Wizards: whoever may open them.
    "lab.sample.batch.wizard": {"*": "lab"},
    "lab.sample.batch.wizard.line": {"*": "lab"},
    "lab.target.group.plan.wizard": {"*": "lab"},
    "lab.credit.hold.wizard": {"*": "manager"},
    "lab.handover.wizard": {"*": "manager"},
    "lab.sample.override.wizard": {"*": "manager"},
    "lab.report.change.wizard": {"*": "lab"},
    "lab.segment.wizard": {"*": "manager"},
    "lab.model.check.wizard": {"*": "manager"},
    "lab.staff.kpi.wizard": {"*": "manager"},
    "lab.fapiao.export.wizard": {"*": "accounting+manager"},
    "res.config.settings": {"*": "settings"},
    # Odoo's models.
    "crm.lead": {
        "staff": """
            service_manager_id technical_advisor_id warranty_end_date
            warranty_start_date""",
        "lab": "lab_survey_ids",
    },
    "sale.order": {"customer": "fapiao_type", "staff": "service_contract_id"},
    "sale.order.line": {"customer": "lab_accreditation_ids lab_is_subcontracted"},
    "account.move": {
        # What the invoice was issued with: the customer's invoice shows it.
        "customer": """
            fapiao_address_phone fapiao_bank_account fapiao_email fapiao_taxpayer_id
            fapiao_title fapiao_type""",
    },
    "account.move.line": {"staff": "lab_paid_date"},
    "product.template": {
        "customer": """
            is_lab_test_item lab_accreditation_ids lab_is_subcontracted
            lab_standard lab_subcontractor_id lab_turnaround_days""",
    },
    "res.company": {
        # The laboratory's settings.
        "staff": """
            lab_accreditation_expiry_days lab_complaint_days_critical
            lab_complaint_days_major
            lab_complaint_days_minor lab_complaint_manager_id
            lab_contract_renewal_days lab_credit_hold_overdue_days
            lab_follow_up_delay_days lab_follow_up_period_days
            lab_qualification_expiry_days lab_quality_manager_id
            lab_report_mask_customer lab_report_verify_limit lab_risk_high_below
            lab_risk_medium_below
            lab_segment_a_cutoff lab_segment_attitude_threshold lab_segment_b_cutoff
            lab_segment_horizon_months lab_segment_monthly_discount_rate
            lab_segment_period_months lab_segment_repeat_threshold
            lab_segment_rfm_rules lab_segment_transactions
            lab_survey_points_per_answer lab_survey_token_validity_days""",
        "manager": "lab_segment_fits",
    },
}
# The lab_crm models an internal user outside the Lab CRM groups reads: the
# customers (Odoo's contacts) and the laboratory's accreditations (the marks on
# sale orders and test items).
INTERNAL_READS = {"res.partner", "lab.accreditation"}
# Odoo's delegation: a user is a partner, a product variant its template, a bank
# statement line its journal entry.
INHERITED = {
    "res.users": "res.partner",
    "product.product": "product.template",
    "account.bank.statement.line": "account.move",
}


def field_class(model, fname):
    """The declared class of a field, or None."""
    classes = FIELD_CLASSES.get(INHERITED.get(model, model), {})
    for name, fnames in classes.items():
        if name != "*" and fname in fnames.split():
            return name
    return classes.get("*")


def lab_crm_fields(env):
    """{model: [field names]} of the fields lab_crm adds to stored and transient
    models (an abstract model's fields are checked where they are inherited)."""
    found = {}
    for model_name in env.registry:
        model = env[model_name]
        if model._abstract:
            continue
        for field in model._fields.values():
            origin = field.related_field if field.inherited else field
            if origin._modules and origin._modules[0] == "lab_crm":
                found.setdefault(model_name, []).append(field.name)
    return found


@tagged("post_install", "-at_install")
class TestFieldAccess(AccessMatrixCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env, a = cls.env, cls.customer_a
        cls.users["internal"] = new_test_user(
            env, login="internal", groups="base.group_user", company_id=env.company.id
        )
        invoice = cls.records["lab.arrears.line"].move_id
        order = env["sale.order"].create(
            {
                "partner_id": a.id,
                "user_id": cls.users["user_team"].id,
                "order_line": [Command.create({"product_id": cls.tensile.id})],
            }
        )
        cls.records.update(
            {
                "res.users": cls.users["portal_a"],
                "crm.lead": env["crm.lead"].create(
                    {
                        "name": "Annual testing",
                        "partner_id": a.id,
                        "user_id": cls.users["user_team"].id,
                    }
                ),
                "sale.order": order,
                "sale.order.line": order.order_line,
                "account.move": invoice,
                "account.bank.statement.line": env[
                    "account.bank.statement.line"
                ].create(
                    {
                        "journal_id": env["account.journal"]
                        .search(
                            [
                                ("type", "=", "bank"),
                                ("company_id", "=", env.company.id),
                            ],
                            limit=1,
                        )
                        .id,
                        "partner_id": a.id,
                        "payment_ref": "Transfer from customer A",
                        "amount": 100.0,
                    }
                ),
                "account.move.line": invoice.line_ids.filtered(
                    lambda line: line.account_type == "asset_receivable"
                ),
                "product.template": cls.tensile.product_tmpl_id,
                "product.product": cls.tensile,
                "res.company": env.company,
            }
        )
        cls.fields_by_model = lab_crm_fields(env)

    def _reads_record(self, role, model):
        """Whether ``role`` may read customer A's record of ``model``: lab_crm's
        policy (the access matrix) for its models and customers, Odoo's own for
        Odoo's other models."""
        if role == "public":
            return False  # JSON-RPC needs a session: the public has none
        if model in EXPECTED:
            if role == "internal":
                return model in INTERNAL_READS
            return "r" in EXPECTED[model].split()[ROLES.index(role)]
        record = self.records[model].with_user(self.users[role])
        return record.has_access("read")

    def _expected(self, role, model, fname):
        readers = CLASS_READERS[field_class(model, fname)]
        return role in readers and self._reads_record(role, model)

    def _stored_models(self):
        return sorted(
            model for model in self.fields_by_model if not self.env[model]._transient
        )

    def test_every_field_has_one_class(self):
        unclassified, listed_twice, unknown = [], [], []
        for model, fnames in sorted(self.fields_by_model.items()):
            for fname in fnames:
                if field_class(model, fname) is None:
                    unclassified.append(f"{model}.{fname}")
        for model, classes in FIELD_CLASSES.items():
            seen = set()
            for name, fnames in classes.items():
                if name == "*":
                    self.assertIn(fnames, CLASS_READERS, f"{model}: class {fnames}?")
                    continue
                self.assertIn(name, CLASS_READERS, f"{model}: class {name}?")
                for fname in fnames.split():
                    if fname in seen:
                        listed_twice.append(f"{model}.{fname}")
                    if fname not in self.fields_by_model.get(model, ()):
                        unknown.append(f"{model}.{fname}")
                    seen.add(fname)
        self.assertFalse(unclassified, "fields without an access class")
        self.assertFalse(listed_twice, "fields in two classes")
        self.assertFalse(unknown, "classified fields lab_crm does not add")
        # The customer's own documents and Odoo's models list every field.
        for model in ("res.partner", "lab.sample", "lab.sample.line", "lab.complaint"):
            self.assertNotIn("*", FIELD_CLASSES[model])
        self.assertEqual(
            set(self.records) - set(self.fields_by_model),
            set(),
            "a fixture record of a model lab_crm adds no field to",
        )
        self.assertEqual(set(self._stored_models()) - set(self.records), set())

    def _orm_reads(self, role, model, fname):
        record = self.records[model].with_user(self.users[role])
        try:
            values = record.read([fname])
        except AccessError:
            return False
        finally:
            self.env.invalidate_all()
        self.assertIn(fname, values[0])
        return True

    def test_orm_roles_read_what_their_class_allows(self):
        mismatches = []
        for model in self._stored_models():
            for fname in self.fields_by_model[model]:
                for role in ORM_ROLES:
                    expected = self._expected(role, model, fname)
                    if self._orm_reads(role, model, fname) != expected:
                        mismatches.append(
                            f"{role} {'cannot' if expected else 'can'} read "
                            f"{model}.{fname}"
                        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def _rpc_reads(self, model, fname):
        record = self.records[model]
        try:
            result = self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{model}/read",
                {
                    "model": model,
                    "method": "read",
                    "args": [record.ids, [fname]],
                    "kwargs": {},
                },
            )
        except JsonRpcException as error:
            self.assertIn(
                error.args[0],
                {
                    "odoo.exceptions.AccessError",
                    "odoo.http.SessionExpiredException",
                },
                f"{model}.{fname}: not an access error",
            )
            return False
        self.assertIn(fname, result[0])
        return True

    def test_browser_sessions_read_what_their_class_allows(self):
        """The portal's and an internal user's browser session, and no session,
        calling ``read`` over JSON-RPC: what a customer could do from the page."""
        mismatches = []
        for role in RPC_ROLES:
            login = None if role == "public" else self.users[role].login
            self.authenticate(login, login)
            for model in self._stored_models():
                for fname in self.fields_by_model[model]:
                    expected = self._expected(role, model, fname)
                    if self._rpc_reads(model, fname) != expected:
                        mismatches.append(
                            f"{role} {'cannot' if expected else 'can'} read "
                            f"{model}.{fname}"
                        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))

    def test_wizards_and_settings_open_to_their_class_only(self):
        """Wizards hold no customer record of their own: who may open one and
        read each of its fields is what their access rights and fields say."""
        mismatches = []
        for model, fnames in sorted(self.fields_by_model.items()):
            if not self.env[model]._transient:
                continue
            for role in ORM_ROLES + RPC_ROLES:
                Model = self.env[model].with_user(self.users[role])
                for fname in fnames:
                    expected = role in CLASS_READERS[field_class(model, fname)]
                    actual = Model.has_access("read") and Model._has_field_access(
                        Model._fields[fname], "read"
                    )
                    if actual != expected:
                        mismatches.append(
                            f"{role} {'cannot' if expected else 'can'} read "
                            f"{model}.{fname}"
                        )
        self.assertFalse(mismatches, "\n" + "\n".join(mismatches))
