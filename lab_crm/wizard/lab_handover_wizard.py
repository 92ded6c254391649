from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The account-team roles on a customer, in the order they are reported.
ACCOUNT_TEAM_ROLES = ("user_id", "service_manager_id", "technical_advisor_id")


class LabHandoverWizard(models.TransientModel):
    _name = "lab.handover.wizard"
    _description = "Account Team Handover"

    departing_user_id = fields.Many2one("res.users", required=True)
    successor_id = fields.Many2one(
        "res.users", required=True, domain="[('share', '=', False)]"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")], default="draft", required=True
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Customers Moved", readonly=True
    )
    partner_count = fields.Integer(string="Customers", readonly=True)
    activity_count = fields.Integer(string="Activities", readonly=True)
    opportunity_count = fields.Integer(string="Opportunities", readonly=True)

    @api.constrains("departing_user_id", "successor_id")
    def _check_successor_id(self):
        for wizard in self:
            if wizard.departing_user_id == wizard.successor_id:
                raise ValidationError(
                    self.env._(
                        "The successor must be someone other than the departing user."
                    )
                )
            if wizard.successor_id.share:
                raise ValidationError(
                    self.env._("The successor must be an internal user.")
                )

    def action_handover(self):
        """Move the departing user's customers, open activities and opportunities.

        Runs as superuser once the caller passed the wizard's access rights
        (managers only):
        the departing user's records are, by definition, not the manager's own.
        """
        self.check_access("write")
        self.ensure_one()
        departing, successor = self.departing_user_id, self.successor_id
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)

        roles_by_partner = {}
        for role in ACCOUNT_TEAM_ROLES:
            partners = Partner.search([(role, "=", departing.id)])
            partners.write({role: successor.id})
            for partner in partners:
                roles_by_partner.setdefault(partner, []).append(
                    Partner._fields[role]._description_string(self.env)
                )
        moved = Partner.browse([partner.id for partner in roles_by_partner])
        opportunities = self._move_opportunities(moved.commercial_partner_id)
        activities = self._move_activities(moved, opportunities)

        for partner, roles in roles_by_partner.items():
            partner.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Account team handover from %(departing)s to %(successor)s "
                    "(%(roles)s), by %(author)s.",
                    departing=departing.name,
                    successor=successor.name,
                    roles=", ".join(roles),
                    author=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

        self.write(
            {
                "state": "done",
                "partner_ids": [fields.Command.set(moved.ids)],
                "partner_count": len(moved),
                "activity_count": len(activities),
                "opportunity_count": len(opportunities),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _move_opportunities(self, customers):
        """The departing user's open opportunities with ``customers``, moved to
        the successor."""
        opportunities = (
            self.env["crm.lead"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.departing_user_id.id),
                    ("type", "=", "opportunity"),
                    ("won_status", "=", "pending"),
                    ("partner_id", "child_of", customers.ids),
                ]
            )
        )
        opportunities.write({"user_id": self.successor_id.id})
        return opportunities

    def _move_activities(self, partners, opportunities):
        """The departing user's open activities on ``partners``, their
        qualifications and ``opportunities``, moved to the successor."""
        qualifications = (
            self.env["lab.qualification"]
            .sudo()
            .search([("partner_id", "in", partners.ids)])
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("user_id", "=", self.departing_user_id.id),
                    "|",
                    "|",
                    "&",
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", partners.ids),
                    "&",
                    ("res_model", "=", "crm.lead"),
                    ("res_id", "in", opportunities.ids),
                    "&",
                    ("res_model", "=", "lab.qualification"),
                    ("res_id", "in", qualifications.ids),
                ]
            )
        )
        activities.write({"user_id": self.successor_id.id})
        return activities
