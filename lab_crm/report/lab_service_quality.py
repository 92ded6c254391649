from odoo import api, fields, models
from odoo.tools import SQL

from ..models.lab_sample import UNCOUNTED_STATES


class LabServiceQuality(models.Model):
    """Service quality (服务品质评价), one row per service request and per sample,
    to analyse per customer and per staff member: how fast requests were first
    answered and resolved, whether samples were reported by their promised date,
    whether the turnaround committed by a service contract was kept, and whether
    the issued report had to be amended or withdrawn (报告更改); and one row per
    test item of an issued report, for the amended-report rate per test item.

    The rates are 100 for an event on time and 0 for a late one, empty where they
    do not apply, so that their averages are shares of events on time.
    """

    _name = "lab.service.quality"
    _description = "Service Quality"
    _auto = False
    _order = "date desc, id desc"
    _depends = {
        "lab.report.version": ["sample_id", "state", "report_date"],
        "lab.sample.line": ["sample_id", "product_id", "is_rejected"],
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
        [
            ("request", "Service request"),
            ("sample", "Sample"),
            ("report_item", "Test item of a report"),
        ],
        readonly=True,
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
    product_id = fields.Many2one("product.product", string="Test Item", readonly=True)
    amended_rate = fields.Float(
        string="Reports Amended (%)",
        readonly=True,
        aggregator="avg",
        help="Of the samples whose report was issued, the share whose report was "
        "later amended or withdrawn.",
    )
    item_amended_rate = fields.Float(
        string="Reports Amended per Test Item (%)",
        readonly=True,
        aggregator="avg",
        help="Of the issued reports with this test item, the share later amended "
        "or withdrawn (group by test item).",
    )

    @property
    def _table_query(self):
        # Ids: 3n for requests, 3n + 1 for samples, 3n + 2 for the test items of
        # an issued report: stable across queries.
        return SQL(
            """
            WITH report AS (
                SELECT sample_id,
                       MIN(report_date) AS first_date,
                       CASE WHEN BOOL_OR(state IN ('superseded', 'withdrawn'))
                            THEN 100.0 ELSE 0.0 END AS amended_rate
                  FROM lab_report_version
              GROUP BY sample_id
            )
            SELECT request.id * 3 AS id,
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
                   NULL::double precision AS commitment_kept_rate,
                   NULL::integer AS product_id,
                   NULL::double precision AS amended_rate,
                   NULL::double precision AS item_amended_rate
              FROM lab_service_request request
            UNION ALL
            SELECT sample.id * 3 + 1,
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
                        THEN sample.on_time_rate END,
                   NULL,
                   report.amended_rate,
                   NULL
              FROM lab_sample sample
         LEFT JOIN report ON report.sample_id = sample.id
             WHERE sample.state NOT IN %(uncounted)s
            UNION ALL
            SELECT line.id * 3 + 2,
                   'report_item',
                   sample.company_id,
                   sample.partner_id,
                   sample.user_id,
                   report.first_date,
                   sample.service_contract_id,
                   0,
                   0,
                   NULL,
                   NULL,
                   NULL,
                   NULL,
                   NULL,
                   NULL,
                   line.product_id,
                   NULL,
                   report.amended_rate
              FROM lab_sample_line line
              JOIN lab_sample sample ON sample.id = line.sample_id
              JOIN report ON report.sample_id = sample.id
             WHERE NOT COALESCE(line.is_rejected, FALSE)
               AND sample.state NOT IN %(uncounted)s
            """,
            uncounted=UNCOUNTED_STATES,
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
            "amended_rate",
        )
        return {
            partner: dict(zip(figures, values, strict=True))
            for partner, *values in self._read_group(
                domain, ["partner_id"], [f"{fname}:avg" for fname in figures]
            )
        }
