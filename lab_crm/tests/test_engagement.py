from datetime import date

from odoo.tests import freeze_time, new_test_user, tagged

from .common import LabCrmCommon

PIPELINE = [
    ("prequalification", "Prequalification", False),
    ("bidding", "Bidding", False),
    ("contract", "Contract Signed", True),
    ("execution", "Project Execution", True),
    ("warranty", "Warranty Period", True),
    ("collection", "Completion and Collection", True),
]


@tagged("post_install", "-at_install")
class TestProjectPipeline(LabCrmCommon):
    def _load(self):
        return (
            self.env["res.config.settings"]
            .create({})
            .action_lab_load_project_pipeline()
        )

    def _stages(self):
        team = self.env.ref("lab_crm.crm_team_project")
        return self.env["crm.stage"].search([("team_ids", "in", team.ids)])

    def test_not_loaded_at_install(self):
        self.assertFalse(
            self.env.ref("lab_crm.crm_team_project", raise_if_not_found=False)
        )

    def test_template_loads_from_settings_once(self):
        action = self._load()
        stages = self._stages()
        self.assertEqual(
            [(stage.name, stage.is_won) for stage in stages],
            [(name, won) for _key, name, won in PIPELINE],
        )
        self.assertEqual(action["res_model"], "crm.stage")
        for key, _name, _won in PIPELINE:
            self.assertIn(self.env.ref(f"lab_crm.crm_stage_project_{key}"), stages)
        # Loading again changes nothing, not even a renamed stage.
        stages[0].name = "Prequalification (PQ)"
        self._load()
        self.assertEqual(self._stages(), stages)
        self.assertEqual(stages[0].name, "Prequalification (PQ)")
        self.assertEqual(
            self.env["crm.team"].search_count([("name", "=", "Project Customers")]), 1
        )

    def test_stage_names_in_each_installed_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self._load()
        names = self.env["crm.stage"].with_context(lang="zh_CN")._lab_project_names()
        for key, _name, _won in PIPELINE:
            stage = self.env.ref(f"lab_crm.crm_stage_project_{key}")
            self.assertEqual(stage.with_context(lang="zh_CN").name, names[key])
            self.assertEqual(stage.with_context(lang="en_US").name, _name)


@tagged("post_install", "-at_install")
class TestEngagementLifecycle(LabCrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service_manager = new_test_user(
            cls.env, login="service_manager", groups="lab_crm.group_lab_crm_user"
        )
        cls.advisor = new_test_user(
            cls.env, login="advisor", groups="lab_crm.group_lab_crm_user"
        )
        cls.env["res.config.settings"].create({}).action_lab_load_project_pipeline()
        cls.team = cls.env.ref("lab_crm.crm_team_project")
        cls.bidding = cls.env.ref("lab_crm.crm_stage_project_bidding")
        cls.contract_stage = cls.env.ref("lab_crm.crm_stage_project_contract")
        cls.project_customer = cls.env["res.partner"].create(
            {"name": "Bohai Offshore Engineering", "is_company": True}
        )
        cls.env.company.lab_follow_up_period_days = 90

    def _opportunity(self, customer, **vals):
        return (
            self.env["crm.lead"]
            .with_user(self.lab_user)
            .create(
                {
                    "name": "Platform jacket design review",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "team_id": self.team.id,
                    "stage_id": self.bidding.id,
                    "user_id": self.lab_user.id,
                    **vals,
                }
            )
        )

    def test_the_opportunity_takes_the_customers_team(self):
        self.customer.write(
            {
                "service_manager_id": self.service_manager.id,
                "technical_advisor_id": self.advisor.id,
            }
        )
        lead = self._opportunity(self.customer)
        self.assertEqual(lead.service_manager_id, self.service_manager)
        self.assertEqual(lead.technical_advisor_id, self.advisor)

    def test_won_opportunity_carries_its_team_to_the_customer(self):
        lead = self._opportunity(
            self.project_customer,
            service_manager_id=self.service_manager.id,
            technical_advisor_id=self.advisor.id,
        )
        self.assertFalse(self.project_customer.user_id)
        lead.action_set_won()
        self.assertEqual(lead.stage_id, self.contract_stage)
        self.assertEqual(self.project_customer.user_id, self.lab_user)
        self.assertEqual(self.project_customer.service_manager_id, self.service_manager)
        self.assertEqual(self.project_customer.technical_advisor_id, self.advisor)

    def test_a_role_already_held_is_not_overwritten(self):
        self.customer.technical_advisor_id = self.lab_manager
        lead = self._opportunity(self.customer)
        lead.technical_advisor_id = self.advisor
        lead.service_manager_id = self.service_manager
        lead.stage_id = self.contract_stage
        self.assertEqual(self.customer.technical_advisor_id, self.lab_manager)
        self.assertEqual(self.customer.service_manager_id, self.service_manager)

    def test_follow_up_visits_during_the_warranty_period(self):
        won = self._opportunity(
            self.project_customer,
            service_manager_id=self.service_manager.id,
            warranty_start_date="2026-03-01",
            warranty_end_date="2026-12-31",
        )
        won.action_set_won()
        # Still bidding: no follow-up, whatever its dates.
        self._opportunity(
            self.customer,
            warranty_start_date="2026-03-01",
            warranty_end_date="2026-12-31",
        )
        Lead = self.env["crm.lead"]
        with freeze_time("2026-02-28"):  # before the warranty period
            Lead._cron_lab_warranty_follow_ups()
        self.assertFalse(won.lab_survey_ids)
        with freeze_time("2026-03-01"):
            Lead._cron_lab_warranty_follow_ups()
            Lead._cron_lab_warranty_follow_ups()
        with freeze_time("2026-05-29"):  # 89 days later: same 90-day period
            Lead._cron_lab_warranty_follow_ups()
        self.assertEqual(len(won.lab_survey_ids), 1)
        with freeze_time("2026-05-30"):  # 90 days later: a new period
            Lead._cron_lab_warranty_follow_ups()
        with freeze_time("2027-01-04"):  # after the warranty period
            Lead._cron_lab_warranty_follow_ups()
        surveys = won.lab_survey_ids.sorted("date")
        self.assertEqual(surveys.mapped("date"), [date(2026, 3, 1), date(2026, 5, 30)])
        self.assertEqual(surveys.mapped("kind"), ["follow_up", "follow_up"])
        self.assertEqual(surveys.partner_id, self.project_customer)
        self.assertEqual(surveys.interviewer_id, self.service_manager)
        self.assertFalse(
            self.env["lab.survey"].search([("partner_id", "=", self.customer.id)])
        )
