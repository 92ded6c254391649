from odoo import api, fields, models
from odoo.tools import SQL

from .lab_survey import ANSWERED_STATES, DIMENSIONS


class LabSurveyCampaign(models.Model):
    _name = "lab.survey.campaign"
    _description = "Satisfaction Survey Campaign"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today
    )
    date_end = fields.Date(string="End")
    target_domain = fields.Char(
        string="Target Customers",
        default="[]",
        help="Which customers (companies) get a survey.",
    )
    survey_ids = fields.One2many("lab.survey", "campaign_id", string="Surveys")
    survey_count = fields.Integer(compute="_compute_survey_stats")
    answered_count = fields.Integer(compute="_compute_survey_stats")
    improvement_proposals = fields.Html()

    # No end: the campaign stays open. A one-day campaign ends the day it starts.
    _dates_check = models.Constraint(
        "CHECK (date_end IS NULL OR date_end >= date_start)",
        "A survey campaign cannot end before it starts.",
    )

    @api.depends("survey_ids.state")
    def _compute_survey_stats(self):
        stats = {
            (campaign, state): count
            for campaign, state, count in self.env["lab.survey"]._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id", "state"], ["__count"]
            )
        }
        for campaign in self:
            counts = {
                state: stats.get((campaign, state), 0)
                for state in ("planned", "sent", "answered", "analysed")
            }
            campaign.survey_count = sum(counts.values())
            campaign.answered_count = sum(counts[state] for state in ANSWERED_STATES)

    def _target_customers(self):
        self.ensure_one()
        Partner = self.env["res.partner"]
        return Partner.search(
            Partner._lab_customer_filter(self.target_domain, self.company_id, self.name)
        )

    def action_generate_surveys(self):
        """One survey for each targeted customer that has none in this campaign yet."""
        self.check_access("write")
        self.ensure_one()
        customers = self._target_customers() - self.survey_ids.partner_id
        self.env["lab.survey"].create(
            [
                {
                    "campaign_id": self.id,
                    "kind": "campaign",
                    "company_id": self.company_id.id,
                    "partner_id": customer.id,
                    "interviewer_id": (
                        customer.service_manager_id or customer.user_id or self.env.user
                    ).id,
                    "date": self.date_start,
                }
                for customer in customers
            ]
        )
        return len(customers)

    def action_view_surveys(self):
        self.check_access("read")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "lab_crm.lab_survey_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id, "default_kind": "campaign"}
        return action

    def action_send_surveys(self):
        self.check_access("write")
        self.ensure_one()
        self.survey_ids.filtered(lambda s: s.state == "planned").action_send()

    # Analysis

    def _analysis(self):
        """Averages of the answered surveys: per dimension, per customer category
        and per account manager, and the weakest dimensions. Three queries, over
        the surveys the user may read (a Lab CRM user: their own customers')."""
        self.ensure_one()
        Survey = self.env["lab.survey"]
        domain = [("campaign_id", "=", self.id), ("state", "in", ANSWERED_STATES)]
        # A dimension's average counts only the surveys that rated it (0 = not rated).
        fnames = [fname for fname, _label in DIMENSIONS]
        Survey.flush_model([*fnames, "campaign_id", "state"])
        query = Survey._search(domain)  # the user's record rules apply
        [row] = self.env.execute_query(
            query.select(
                *(
                    SQL(
                        "COUNT(NULLIF(%s, 0)), AVG(NULLIF(%s, 0))",
                        SQL.identifier(query.table, fname),
                        SQL.identifier(query.table, fname),
                    )
                    for fname in fnames
                )
            )
        )
        dimensions = [
            {
                "field": fname,
                "label": Survey._fields[fname]._description_string(self.env),
                "count": row[2 * index],
                "average": float(row[2 * index + 1] or 0.0),
            }
            for index, fname in enumerate(fnames)
        ]
        rated = [d for d in dimensions if d["count"]]
        weakest = sorted(rated, key=lambda d: (d["average"], d["field"]))[:3]
        category_labels = dict(
            self.env["res.partner"]
            ._fields["customer_category"]
            ._description_selection(self.env)
        )
        by_category = [
            {
                "label": category_labels.get(category) or self.env._("Unspecified"),
                "count": count,
                "average": average,
            }
            for category, count, average in Survey._read_group(
                domain, ["customer_category"], ["__count", "overall_score:avg"]
            )
        ]
        by_manager = [
            {
                "label": user.name or self.env._("Unassigned"),
                "count": count,
                "average": average,
            }
            for user, count, average in Survey._read_group(
                domain, ["user_id"], ["__count", "overall_score:avg"]
            )
        ]
        return {
            "dimensions": dimensions,
            "weakest": weakest,
            "by_category": by_category,
            "by_manager": by_manager,
        }
