from odoo import api, models

# The project lifecycle of engineering firms (seed 002): key, sequence, won.
# From the signed contract on, the opportunity is won and the project runs.
PROJECT_STAGES = [
    ("prequalification", 1, False),
    ("bidding", 2, False),
    ("contract", 3, True),
    ("execution", 4, True),
    ("warranty", 5, True),
    ("collection", 6, True),
]


class CrmStage(models.Model):
    _inherit = "crm.stage"

    @api.model
    def _lab_project_names(self):
        """The team and stage names, in the language of ``self.env``."""
        return {
            "team": self.env._("Project Customers"),
            "prequalification": self.env._("Prequalification"),
            "bidding": self.env._("Bidding"),
            "contract": self.env._("Contract Signed"),
            "execution": self.env._("Project Execution"),
            "warranty": self.env._("Warranty Period"),
            "collection": self.env._("Completion and Collection"),
        }

    @api.model
    def _lab_load_project_pipeline(self):
        """Create the 'Project Customers' sales team and its pipeline stages,
        translated into the installed languages. Records already loaded (by
        their XML id) are left as they are: loading twice changes nothing."""
        Data = self.env["ir.model.data"].sudo()
        team = self.env.ref("lab_crm.crm_team_project", raise_if_not_found=False)
        if not team:
            team = (
                self.env["crm.team"]
                .sudo()
                .create({"name": self._lab_project_names()["team"]})
            )
            Data.create(self._lab_xmlid_values("crm_team_project", team))
            self._lab_translate(team, "team")
        stages = self.browse()
        for key, sequence, is_won in PROJECT_STAGES:
            xmlid = f"crm_stage_project_{key}"
            stage = self.env.ref(f"lab_crm.{xmlid}", raise_if_not_found=False)
            if not stage:
                stage = self.sudo().create(
                    {
                        "name": self._lab_project_names()[key],
                        "sequence": 100 + sequence,
                        "is_won": is_won,
                        "team_ids": [(4, team.id)],
                    }
                )
                Data.create(self._lab_xmlid_values(xmlid, stage))
                self._lab_translate(stage, key)
            stages |= stage
        return team, stages

    @api.model
    def _lab_xmlid_values(self, name, record):
        return {
            "module": "lab_crm",
            "name": name,
            "model": record._name,
            "res_id": record.id,
            "noupdate": True,
        }

    @api.model
    def _lab_translate(self, record, key):
        for lang, _name in self.env["res.lang"].get_installed():
            names = self.with_context(lang=lang)._lab_project_names()
            record.with_context(lang=lang).name = names[key]
