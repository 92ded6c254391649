from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.lab_sample import UNCOUNTED_STATES
from ..models.lab_survey import ANSWERED_STATES
from .revenue import revenue_sql


def _share(part, whole):
    """``part`` of ``whole`` in percent; None without a whole."""
    return 100.0 * part / whole if whole else None


class LabAssessmentMeasure(models.AbstractModel):
    """The figures a capability assessment measures for one company and period,
    from lab_crm's own records: six grouped queries, whatever the number of
    customers or documents. Each figure is None when the period has nothing to
    measure (no complaint, no survey, ...): the assessor then scores by hand.

    An *active customer* of a period is a commercial partner with a posted
    invoice or credit note dated in it, or a sample received in it (requested
    online and cancelled samples excluded), as the segmentation counts them.
    """

    _name = "lab.assessment.measure"
    _description = "Capability Assessment Figures"

    @api.model
    def _measure(self, company, date_from, date_to):
        """{measure key: value or None} (keys of lab.assessment.criterion's
        MEASURES) for ``company`` and the period ``date_from``-``date_to``."""
        self.env.flush_all()
        args = (company, date_from, date_to)
        return {
            **self._customer_figures(*args),
            **self._complaint_figures(*args),
            **self._service_quality_figures(*args),
            **self._survey_figures(*args),
            **self._segment_figures(*args),
            **self._receivable_figures(*args),
        }

    def _customer_figures(self, company, date_from, date_to):
        """Profile completeness and account team of the active customers, and
        the retention of the previous period's (the same number of days before
        ``date_from``): who was active then and is active now."""
        previous_from = date_from - (date_to - date_from) - timedelta(days=1)
        [row] = self.env.execute_query(
            SQL(
                """
                WITH invoice AS (%(revenue)s),
                active AS (
                    SELECT partner_id, invoice_date >= %(date_from)s AS is_current
                      FROM invoice
                    UNION
                    SELECT commercial.id,
                           sample.received_datetime >= %(date_from)s
                      FROM lab_sample sample
                      JOIN res_partner customer ON customer.id = sample.partner_id
                      JOIN res_partner commercial
                        ON commercial.id = customer.commercial_partner_id
                     WHERE sample.company_id = %(company)s
                       AND sample.state NOT IN %(uncounted)s
                       AND sample.received_datetime >= %(previous_from)s
                       AND sample.received_datetime < %(date_end)s
                ),
                customer AS (
                    SELECT partner_id,
                           BOOL_OR(is_current) AS is_current,
                           BOOL_OR(NOT is_current) AS is_previous
                      FROM active GROUP BY partner_id
                )
                SELECT COUNT(*) FILTER (WHERE customer.is_current),
                       COUNT(*) FILTER (
                           WHERE customer.is_current
                             AND partner.customer_category IS NOT NULL
                             AND partner.enterprise_scale IS NOT NULL
                             AND partner.social_credit_code IS NOT NULL
                             AND partner.user_id IS NOT NULL),
                       COUNT(*) FILTER (
                           WHERE customer.is_current
                             AND partner.user_id IS NOT NULL
                             AND partner.service_manager_id IS NOT NULL),
                       COUNT(*) FILTER (WHERE customer.is_previous),
                       COUNT(*) FILTER (
                           WHERE customer.is_previous AND customer.is_current)
                  FROM customer
                  JOIN res_partner partner ON partner.id = customer.partner_id
                """,
                revenue=revenue_sql(previous_from, date_to, company.id),
                date_from=date_from,
                date_end=date_to + timedelta(days=1),
                previous_from=previous_from,
                company=company.id,
                uncounted=UNCOUNTED_STATES,
            )
        )
        active, complete, team, previous, retained = row
        return {
            "profile_complete": _share(complete, active),
            "account_team": _share(team, active),
            "retention": _share(retained, previous),
        }

    def _complaint_figures(self, company, date_from, date_to):
        """Complaints received in the period (rejected ones and those awaiting
        review without a customer left out) whose result was communicated by
        their deadline, of those answered or past their deadline today."""
        today = fields.Date.context_today(self)
        [row] = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(*) FILTER (
                           WHERE result_date IS NOT NULL OR deadline < %(today)s),
                       COUNT(*) FILTER (WHERE result_date <= deadline)
                  FROM lab_complaint
                 WHERE company_id = %(company)s
                   AND partner_id IS NOT NULL
                   AND state != 'rejected'
                   AND received_date BETWEEN %(date_from)s AND %(date_to)s
                """,
                today=today,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
            )
        )
        due, on_time = row
        return {"complaints_on_time": _share(on_time, due)}

    def _service_quality_figures(self, company, date_from, date_to):
        """The service-quality report's shares of the period: service requests
        (requested in it) resolved by their deadline, of those resolved; samples
        (received in it) reported by their promised date, of those reported."""
        # AVG ignores the rows where a rate does not apply; COUNT tells "none".
        [(resolved, resolved_count, reported, reported_count)] = (
            self.env["lab.service.quality"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ],
                [],
                [
                    "resolution_on_time_rate:avg",
                    "resolution_on_time_rate:count",
                    "turnaround_kept_rate:avg",
                    "turnaround_kept_rate:count",
                ],
            )
        )
        return {
            "requests_on_time": resolved if resolved_count else None,
            "reports_on_time": reported if reported_count else None,
        }

    def _survey_figures(self, company, date_from, date_to):
        """Surveys dated in the period: follow-up visits answered, of all those
        planned; other surveys answered, of those sent (planned ones never went
        out); the average overall score of the answered ones (rated at all)."""
        [row] = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(*) FILTER (WHERE kind = 'follow_up'),
                       COUNT(*) FILTER (
                           WHERE kind = 'follow_up' AND state IN %(answered)s),
                       COUNT(*) FILTER (
                           WHERE kind != 'follow_up' AND state != 'planned'),
                       COUNT(*) FILTER (
                           WHERE kind != 'follow_up' AND state IN %(answered)s),
                       AVG(NULLIF(overall_score, 0)) FILTER (
                           WHERE state IN %(answered)s)
                  FROM lab_survey
                 WHERE company_id = %(company)s
                   AND date BETWEEN %(date_from)s AND %(date_to)s
                """,
                answered=ANSWERED_STATES,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
            )
        )
        visits, visited, sent, answered, satisfaction = row
        return {
            "follow_ups_done": _share(visited, visits),
            "surveys_answered": _share(answered, sent),
            "satisfaction": satisfaction,
        }

    def _segment_figures(self, company, date_from, date_to):
        """From the company's last segmentation run in the period (none in it:
        no figure): the customers at high churn risk or
        marked lost, and the tier A customers not at high churn risk."""
        [row] = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(*),
                       COUNT(*) FILTER (
                           WHERE snapshot.churn_level = 'high'
                              OR partner.lifecycle_stage = 'lost'),
                       COUNT(*) FILTER (WHERE snapshot.tier = 'A'),
                       COUNT(*) FILTER (
                           WHERE snapshot.tier = 'A'
                             AND snapshot.churn_level IS DISTINCT FROM 'high')
                  FROM lab_segment_snapshot snapshot
                  JOIN res_partner partner ON partner.id = snapshot.partner_id
                 WHERE snapshot.company_id = %(company)s
                   AND snapshot.date = (
                       SELECT MAX(date) FROM lab_segment_snapshot
                        WHERE company_id = %(company)s
                          AND date BETWEEN %(date_from)s AND %(date_to)s)
                """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
            )
        )
        customers, churned, key_customers, kept = row
        return {
            "churn": _share(churned, customers),
            "key_customers_kept": _share(kept, key_customers),
        }

    def _receivable_figures(self, company, date_from, date_to):
        """The overdue share of the company's open receivables, from the arrears
        report: as they stand on the day of measuring (the ledger keeps no
        earlier residuals), hence measured at the end of the period."""
        [(overdue, open_amount)] = (
            self.env["lab.arrears.customer"]
            .sudo()
            ._read_group(
                [("company_id", "=", company.id)],
                [],
                ["amount_overdue:sum", "amount_open:sum"],
            )
        )
        if not open_amount or open_amount <= 0:
            return {"overdue_share": None}
        return {"overdue_share": _share(overdue or 0.0, open_amount)}
