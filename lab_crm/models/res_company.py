from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    lab_segment_fits = fields.Json(
        string="Segmentation Fits",
        readonly=True,
        copy=False,
        help="The lifetime-value models' parameters of the last segmentation run, "
        "where the next run's fits start.",
        groups="lab_crm.group_lab_crm_manager",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._lab_sample_sequence()
        companies._lab_complaint_sequence()
        companies._lab_service_request_sequence()
        companies._lab_service_contract_sequence()
        return companies

    @api.model
    def _lab_init_sample_sequences(self):
        # Every company needs its sequence, and companies are few: the rule against
        # unbounded searches does not apply here.
        self.search([])._lab_sample_sequence()  # pylint: disable=no-search-all

    @api.model
    def _lab_init_complaint_sequences(self):
        self.search([])._lab_complaint_sequence()  # pylint: disable=no-search-all

    @api.model
    def _lab_init_service_sequences(self):
        companies = self.search([])  # pylint: disable=no-search-all
        companies._lab_service_request_sequence()
        companies._lab_service_contract_sequence()

    def _lab_sample_sequence(self):
        """The sample reference sequence of each company (S2026-00001)."""
        return self._lab_sequence(
            "lab.sample",
            "S%(year)s-",
            lambda company: self.env._("Samples (%s)", company.name),
        )

    def _lab_complaint_sequence(self):
        """The complaint reference sequence of each company (C2026-00001)."""
        return self._lab_sequence(
            "lab.complaint",
            "C%(year)s-",
            lambda company: self.env._("Complaints (%s)", company.name),
        )

    def _lab_service_request_sequence(self):
        """The service request reference sequence of each company (SR2026-00001)."""
        return self._lab_sequence(
            "lab.service.request",
            "SR%(year)s-",
            lambda company: self.env._("Service Requests (%s)", company.name),
        )

    def _lab_service_contract_sequence(self):
        """The service contract reference sequence of each company (SC2026-00001)."""
        return self._lab_sequence(
            "lab.service.contract",
            "SC%(year)s-",
            lambda company: self.env._("Service Contracts (%s)", company.name),
        )

    def _lab_sequence(self, code, prefix, name):
        """The sequence ``code`` of each company, created when missing.

        A PostgreSQL sequence ('standard') hands out numbers without locks, so
        concurrent registrations never share a reference. ``name`` gives the name
        of a new sequence from its company.
        """
        Sequence = self.env["ir.sequence"].sudo()
        sequences = Sequence.search(
            [("code", "=", code), ("company_id", "in", self.ids)]
        )
        for company in self - sequences.company_id:
            sequences |= Sequence.create(
                {
                    "name": name(company),
                    "code": code,
                    "company_id": company.id,
                    "prefix": prefix,
                    "padding": 5,
                    "implementation": "standard",
                }
            )
        return sequences
