from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._lab_sample_sequence()
        return companies

    @api.model
    def _lab_init_sample_sequences(self):
        # Every company needs its sequence, and companies are few: the rule against
        # unbounded searches does not apply here.
        self.search([])._lab_sample_sequence()  # pylint: disable=no-search-all

    def _lab_sample_sequence(self):
        """The sample reference sequence of each company, created when missing.

        A PostgreSQL sequence ('standard') hands out numbers without locks, so
        concurrent registrations never share a reference.
        """
        Sequence = self.env["ir.sequence"].sudo()
        sequences = Sequence.search(
            [("code", "=", "lab.sample"), ("company_id", "in", self.ids)]
        )
        for company in self - sequences.company_id:
            sequences |= Sequence.create(
                {
                    "name": self.env._("Samples (%s)", company.name),
                    "code": "lab.sample",
                    "company_id": company.id,
                    "prefix": "S%(year)s-",
                    "padding": 5,
                    "implementation": "standard",
                }
            )
        return sequences
