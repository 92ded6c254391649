from odoo import api, fields, models
from odoo.tools import SQL

from ..models.lab_sample import UNCOUNTED_STATES


class LabServiceQuality(models.Model):
    """Service quality (服务品质评价), one row per service request and per sample,
    to analyse per customer and per staff member: how fast requests were first
    answered and resolved, whether samples were reported by their promised date,
    and whether the turnaround committed by a service contract was kept.

    The rates are 100 for an event on time and 0 for a late one, empty where they
    do not apply, so that their averages are shares of events on time.
    """

    _name = "lab.service.quality"
    _description = "Service Quality"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "lab.service.request": [
            "company_id",
            "partner_id",
            "user_id",
            "requested_datetime",
            "response_datetime",
            "answered_datetime",
            "response_hours",
            "resolution_hours",
            "is_response_late",
            "is_resolution_late",
        ],
        "lab.sample": [
            "company_id",
            "partner_id",
            "user_id",
            "received_datetime",
            "report_date",
            "on_time_rate",
            "service_contract_id",
            "state",
        ],
    }

    source = fields.Selection(
        [("request", "Service request"), ("sample", "Sample")], readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Staff Member", readonly=True)
    date = fields.Date(readonly=True)
    service_contract_id = fields.Many2one("lab.service.contract", readonly=True)
    request_count = fields.Integer(string="Requests", readonly=True)
    sample_count = fields.Integer(string="Samples", readonly=True)
    response_hours = fields.Float(
        string="Response Time (hours)", readonly=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        string="Resolution Time (hours)", readonly=True, aggregator="avg"
    )
    response_on_time_rate = fields.Float(
        string="Responded in Time (%)", readonly=True, aggregator="avg"
    )
    resolution_on_time_rate = fields.Float(
        string="Resolved in Time (%)", readonly=True, aggregator="avg"
    )
    turnaround_kept_rate = fields.Float(
        string="Turnaround Kept (%)", readonly=True, aggregator="avg"
    )
    commitment_kept_rate = fields.Float(
        string="Contract Commitment Kept (%)", readonly=True, aggregator="avg"
    )

    @property
    def _table_query(self):
        # Even ids for requests, odd ids for samples: stable across queries.
        return SQL(
            """
            SELECT request.id * 2 AS id,
                   'request' AS source,
                   request.company_id,
                   request.partner_id,
                   request.user_id,
                   request.requested_datetime::date AS date,
                   NULL::integer AS service_contract_id,
                   1 AS request_count,
                   0 AS sample_count,
                   CASE WHEN request.response_datetime IS NOT NULL
                        THEN request.response_hours END AS response_hours,
                   CASE WHEN request.answered_datetime IS NOT NULL
                        THEN request.resolution_hours END AS resolution_hours,
                   CASE WHEN request.response_datetime IS NOT NULL
                        THEN CASE WHEN request.is_response_late
                                  THEN 0.0 ELSE 100.0 END
                   END AS response_on_time_rate,
                   CASE WHEN request.answered_datetime IS NOT NULL
                        THEN CASE WHEN request.is_resolution_late
                                  THEN 0.0 ELSE 100.0 END
                   END AS resolution_on_time_rate,
                   NULL::double precision AS turnaround_kept_rate,
                   NULL::double precision AS commitment_kept_rate
              FROM lab_service_request request
            UNION ALL
            SELECT sample.id * 2 + 1,
                   'sample',
                   sample.company_id,
                   sample.partner_id,
                   sample.user_id,
                   sample.received_datetime::date,
                   sample.service_contract_id,
                   0,
                   1,
                   NULL,
                   NULL,
                   NULL,
                   NULL,
                   CASE WHEN sample.report_date IS NOT NULL
                        THEN sample.on_time_rate END,
                   CASE WHEN sample.report_date IS NOT NULL
                             AND sample.service_contract_id IS NOT NULL
                        THEN sample.on_time_rate END
              FROM lab_sample sample
             WHERE sample.state NOT IN %s
            """,
            UNCOUNTED_STATES,
        )

    @api.model
    def _by_customer(self, partners, since=None):
        """Service-quality figures of ``partners`` (for churn signals and KPIs),
        in one grouped query: {partner: {field: average}}."""
        domain = [("partner_id", "in", partners.ids)]
        if since:
            domain.append(("date", ">=", since))
        figures = (
            "response_hours",
            "resolution_hours",
            "response_on_time_rate",
            "resolution_on_time_rate",
            "turnaround_kept_rate",
            "commitment_kept_rate",
        )
        return {
            partner: dict(zip(figures, values, strict=True))
            for partner, *values in self._read_group(
                domain, ["partner_id"], [f"{fname}:avg" for fname in figures]
            )
        }
