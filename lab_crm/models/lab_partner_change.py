from odoo import api, fields, models

from .account_move import FAPIAO_FIELDS

CHANGE_KINDS = [
    ("name", "Name"),
    ("address", "Address"),
    ("ownership", "Ownership type"),
    ("scale", "Enterprise scale"),
    ("legal_representative", "Legal representative"),
    ("credit_code", "Unified social credit code"),
    ("invoicing", "Invoicing details"),
    ("restructuring", "Restructuring"),
    ("other", "Other event"),
]

# The partner fields whose changes are kept, grouped by the kind of change.
WATCHED_FIELDS = {
    "name": ["name"],
    "address": ["street", "street2", "zip", "city", "state_id", "country_id"],
    "ownership": ["ownership_type"],
    "scale": ["enterprise_scale"],
    "legal_representative": ["legal_representative"],
    "credit_code": ["social_credit_code"],
    "invoicing": list(FAPIAO_FIELDS),
}


class LabPartnerChange(models.Model):
    _name = "lab.partner.change"
    _description = "Customer Change History"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="partner_id.company_id", store=True)
    kind = fields.Selection(CHANGE_KINDS, required=True, default="restructuring")
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        default=lambda self: self.env.user,
    )
    old_value = fields.Char(string="Before")
    new_value = fields.Char(string="After")
    description = fields.Text()

    @api.model
    def _watched_fields(self):
        return {fname for fnames in WATCHED_FIELDS.values() for fname in fnames}

    @api.model
    def _snapshot(self, partner):
        """The watched values of ``partner`` as text, one per kind of change."""
        snapshot = {}
        partner = partner.sudo()  # staff's fields, whoever edits the partner
        for kind, fnames in WATCHED_FIELDS.items():
            parts = []
            for fname in fnames:
                field = partner._fields[fname]
                value = partner[fname]
                if field.type == "many2one":
                    value = value.display_name
                elif field.type == "selection":
                    value = dict(field._description_selection(self.env)).get(value)
                if value:
                    parts.append(str(value))
            snapshot[kind] = ", ".join(parts)
        return snapshot

    @api.model
    def _record_changes(self, partners, before):
        """Log, in one batch, what changed on ``partners`` since ``before``."""
        vals_list = []
        for partner in partners:
            after = self._snapshot(partner)
            for kind, old_value in before[partner.id].items():
                if after[kind] != old_value:
                    vals_list.append(
                        {
                            "partner_id": partner.id,
                            "kind": kind,
                            "old_value": old_value,
                            "new_value": after[kind],
                        }
                    )
        # The history is kept whatever the writer's rights on it.
        return self.sudo().create(vals_list)
