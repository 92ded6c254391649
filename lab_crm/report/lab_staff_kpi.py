from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL

from ..models.lab_survey import ANSWERED_STATES
from .revenue import revenue_sql


class LabStaffKpi(models.Model):
    """Staff KPIs (员工考核) per account manager and company over a period: the
    customers developed and kept, revenue growth, satisfaction, complaints closed
    on time and follow-up visits done, for the customers the staff member is the
    account manager of. The period comes from the context (``lab_kpi_date_from``,
    ``lab_kpi_date_to``; by default the 12 months up to today) and is compared
    with the period of the same length just before it.

    - new customers: first posted invoice in the period;
    - retention: of the customers invoiced in the previous period, the share
      invoiced again in this one;
    - revenue: posted invoices minus credit notes (untaxed, company currency);
    - satisfaction: average overall score of the surveys answered in the period;
    - complaints: closed in the period, and of those closed by their deadline;
    - follow-ups: follow-up visits answered in the period;
    - reports: samples whose first report was issued in the period, and of those
      the share whose report was later amended or withdrawn (报告更改).

    A rate without a base (no customer in the previous period, no complaint
    closed, no survey answered) is empty, not 0: the pivot's averages leave it
    out.
    """

    _name = "lab.staff.kpi"
    _description = "Staff KPIs"
    _auto = False
    _order = "revenue desc, id"
    _depends = {
        "account.move": [
            "commercial_partner_id",
            "company_id",
            "invoice_date",
            "move_type",
            "state",
            "amount_untaxed_signed",
        ],
        "lab.complaint": ["company_id", "partner_id", "close_date", "deadline"],
        "lab.survey": [
            "company_id",
            "partner_id",
            "state",
            "kind",
            "overall_score",
            "answered_datetime",
        ],
        "res.partner": ["commercial_partner_id", "user_id"],
        "lab.report.version": ["sample_id", "partner_id", "state", "report_date"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Account Manager", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    new_customer_count = fields.Integer(string="New Customers", readonly=True)
    prior_customer_count = fields.Integer(
        string="Customers (previous period)", readonly=True
    )
    retained_customer_count = fields.Integer(string="Customers Kept", readonly=True)
    retention_rate = fields.Float(
        string="Retention (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    revenue = fields.Monetary(readonly=True)
    revenue_prior = fields.Monetary(string="Revenue (previous period)", readonly=True)
    revenue_growth = fields.Float(
        string="Revenue Growth (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    satisfaction = fields.Float(readonly=True, digits=(16, 2), aggregator="avg")
    complaint_closed_count = fields.Integer(string="Complaints Closed", readonly=True)
    complaint_on_time_count = fields.Integer(
        string="Complaints Closed on Time", readonly=True
    )
    complaint_on_time_rate = fields.Float(
        string="Closed on Time (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )
    follow_up_count = fields.Integer(string="Follow-ups Done", readonly=True)
    report_count = fields.Integer(string="Reports Issued", readonly=True)
    amended_report_count = fields.Integer(string="Reports Amended", readonly=True)
    amended_report_rate = fields.Float(
        string="Reports Amended (%)", readonly=True, digits=(16, 1), aggregator="avg"
    )

    def _kpi_period(self):
        """(first day, last day) of the period, and the first day of the one
        before it, of the same length."""
        context = self.env.context
        date_to = fields.Date.to_date(
            context.get("lab_kpi_date_to")
        ) or fields.Date.context_today(self)
        date_from = fields.Date.to_date(context.get("lab_kpi_date_from")) or (
            date_to - relativedelta(months=12) + relativedelta(days=1)
        )
        prior_from = date_from - (date_to - date_from) - relativedelta(days=1)
        return date_from, date_to, prior_from

    @property
    def _table_query(self):
        date_from, date_to, prior_from = self._kpi_period()
        return SQL(
            """
            WITH invoiced AS (
                SELECT company_id, partner_id,
                       SUM(amount) FILTER (
                           WHERE invoice_date BETWEEN %(from)s AND %(to)s) AS revenue,
                       SUM(amount) FILTER (
                           WHERE invoice_date >= %(prior)s AND invoice_date < %(from)s)
                           AS revenue_prior,
                       MIN(invoice_date) FILTER (WHERE is_invoice) AS first_date,
                       BOOL_OR(is_invoice AND invoice_date BETWEEN %(from)s AND %(to)s)
                           AS active,
                       BOOL_OR(is_invoice AND invoice_date >= %(prior)s
                               AND invoice_date < %(from)s) AS active_prior
                  FROM (%(revenue)s) move
              GROUP BY company_id, partner_id
            ),
            fact AS (
                SELECT company_id, partner_id, revenue, revenue_prior,
                       (first_date >= %(from)s)::int AS new_customer,
                       active_prior::int AS prior_customer,
                       (active AND active_prior)::int AS retained_customer,
                       0 AS closed, 0 AS closed_on_time,
                       NULL::numeric AS score, 0 AS follow_ups,
                       0 AS reported, 0 AS amended
                  FROM invoiced
                UNION ALL
                SELECT company_id, partner_id, NULL, NULL, 0, 0, 0,
                       1, (close_date <= deadline)::int, NULL, 0, 0, 0
                  FROM lab_complaint
                 WHERE close_date BETWEEN %(from)s AND %(to)s
                UNION ALL
                SELECT company_id, partner_id, NULL, NULL, 0, 0, 0, 0, 0,
                       CASE WHEN overall_score > 0 THEN overall_score END,
                       (kind = 'follow_up')::int, 0, 0
                  FROM lab_survey
                 WHERE state IN %(answered)s
                   AND answered_datetime >= %(from)s
                   AND answered_datetime < %(to)s::date + 1
                UNION ALL
                SELECT MIN(company_id), MIN(partner_id), NULL, NULL, 0, 0, 0, 0, 0,
                       NULL, 0, 1,
                       BOOL_OR(state IN ('superseded', 'withdrawn'))::int
                  FROM lab_report_version
              GROUP BY sample_id
                HAVING MIN(report_date) BETWEEN %(from)s AND %(to)s
            )
            SELECT ROW_NUMBER() OVER (ORDER BY fact.company_id, customer.user_id) AS id,
                   fact.company_id, customer.user_id,
                   SUM(fact.new_customer)::int AS new_customer_count,
                   SUM(fact.prior_customer)::int AS prior_customer_count,
                   SUM(fact.retained_customer)::int AS retained_customer_count,
                   (100.0 * SUM(fact.retained_customer)
                    / NULLIF(SUM(fact.prior_customer), 0))::float8 AS retention_rate,
                   COALESCE(SUM(fact.revenue), 0)::float8 AS revenue,
                   COALESCE(SUM(fact.revenue_prior), 0)::float8 AS revenue_prior,
                   (100.0 * (SUM(fact.revenue) - SUM(fact.revenue_prior))
                    / NULLIF(SUM(fact.revenue_prior), 0))::float8 AS revenue_growth,
                   AVG(fact.score)::float8 AS satisfaction,
                   SUM(fact.closed)::int AS complaint_closed_count,
                   SUM(fact.closed_on_time)::int AS complaint_on_time_count,
                   (100.0 * SUM(fact.closed_on_time)
                    / NULLIF(SUM(fact.closed), 0))::float8 AS complaint_on_time_rate,
                   SUM(fact.follow_ups)::int AS follow_up_count,
                   SUM(fact.reported)::int AS report_count,
                   SUM(fact.amended)::int AS amended_report_count,
                   (100.0 * SUM(fact.amended)
                    / NULLIF(SUM(fact.reported), 0))::float8 AS amended_report_rate
              FROM fact
              JOIN res_partner partner ON partner.id = fact.partner_id
              JOIN res_partner customer ON customer.id = partner.commercial_partner_id
             WHERE customer.user_id IS NOT NULL
          GROUP BY fact.company_id, customer.user_id
            """,
            revenue=revenue_sql(date_to=date_to),
            **{"from": date_from, "to": date_to, "prior": prior_from},
            answered=ANSWERED_STATES,
        )
