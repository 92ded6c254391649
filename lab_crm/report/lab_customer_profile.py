from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..models.lab_complaint import OPEN_STATES as OPEN_COMPLAINT_STATES
from ..models.lab_sample import UNCOUNTED_STATES
from ..models.lab_survey import ANSWERED_STATES
from .revenue import revenue_sql

CURVE_MONTHS = 12
LAST_SAMPLES = 10
LAST_COMPLAINTS = 10
LAST_SURVEYS = 5


class ReportLabCustomerProfile(models.AbstractModel):
    """The customer profile (客户档案): a customer's profile, qualifications,
    account team, segments, 12-month relationship curve, samples, complaints,
    surveys and arrears, on one page per customer.

    The report reads as the printing user: a customer they may not read is
    refused, and the customer's documents are those their record rules show.
    Only the relationship curve is computed in SQL (one query for all the
    customers), restricted to the customers already checked. Arrears show to
    accountants and Lab CRM managers; others see the payment risk class. The
    key-person profiles never appear here.
    """

    _name = "report.lab_crm.lab_customer_profile_document"
    _description = "Customer Profile"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["res.partner"].browse(docids)
        docs.check_access("read")
        customers = docs.commercial_partner_id
        customers.check_access("read")
        company = self.env.company
        customer_domain = [
            ("partner_id", "in", customers.ids),
            ("company_id", "=", company.id),
        ]
        Sample = self.env["lab.sample"]
        Complaint = self.env["lab.complaint"]
        Survey = self.env["lab.survey"]

        qualifications = (
            self.env["lab.qualification"]
            .search([("partner_id", "in", customers.ids)])
            .grouped("partner_id")
        )
        sample_states, complaint_counts = self._document_counts(customer_domain)
        samples = self._first_by_customer(Sample, customer_domain, LAST_SAMPLES)
        complaints = self._first_by_customer(
            Complaint, customer_domain, LAST_COMPLAINTS
        )
        surveys = self._first_by_customer(
            Survey,
            [*customer_domain, ("state", "in", ANSWERED_STATES)],
            LAST_SURVEYS,
            order="answered_datetime desc, id desc",
        )
        Snapshot = self.env["lab.segment.snapshot"]
        snapshots = Snapshot._latest(customers)
        curves = self._relationship_curves(customers)

        user = self.env.user
        show_arrears = user.has_group("account.group_account_invoice") or (
            user.has_group("lab_crm.group_lab_crm_manager")
        )
        arrears = {}
        if show_arrears:
            arrears = self.env["lab.arrears.customer"]._figures(customers, company)

        sample_state_labels = Sample._fields["state"]._description_selection(self.env)
        profiles = {}
        for doc in docs:
            customer = doc.commercial_partner_id
            states = sample_states.get(customer, {})
            profiles[doc.id] = {
                "customer": customer,
                "qualifications": qualifications.get(
                    customer, self.env["lab.qualification"]
                ),
                "snapshot": snapshots.get(customer),
                "curve": curves.get(customer.id, []),
                "sample_states": [
                    (label, states[state])
                    for state, label in sample_state_labels
                    if states.get(state)
                ],
                "sample_total": sum(states.values()),
                "samples": samples.get(customer, Sample),
                "complaint_counts": complaint_counts.get(
                    customer, {"open": 0, "closed": 0}
                ),
                "complaints": complaints.get(customer, Complaint),
                "surveys": surveys.get(customer, Survey),
                "arrears": arrears.get(customer),
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": docs,
            "company": company,
            "today": fields.Date.context_today(self),
            "show_arrears": show_arrears,
            "tier_labels": dict(
                Snapshot._fields["tier"]._description_selection(self.env)
            ),
            "profiles": profiles,
        }

    @api.model
    def _document_counts(self, customer_domain):
        """Per customer: its samples by state ({customer: {state: count}}) and
        its open and closed complaints ({customer: {"open": n, "closed": n}}),
        in two grouped queries."""
        sample_states = {}
        for customer, state, count in self.env["lab.sample"]._read_group(
            customer_domain, ["partner_id", "state"], ["__count"]
        ):
            sample_states.setdefault(customer, {})[state] = count
        complaint_counts = {}
        for customer, state, count in self.env["lab.complaint"]._read_group(
            customer_domain, ["partner_id", "state"], ["__count"]
        ):
            key = "open" if state in OPEN_COMPLAINT_STATES else "closed"
            counts = complaint_counts.setdefault(customer, {"open": 0, "closed": 0})
            counts[key] += count
        return sample_states, complaint_counts

    @api.model
    def _first_by_customer(self, Model, domain, limit, order=None):
        """The first ``limit`` records of each customer in ``order`` (the model's
        by default), among those ``domain`` matches for the printing user (access
        rights and record rules apply): one query for all the customers."""
        Model.flush_model()
        query = Model._search(domain)
        ranked = query.select(
            SQL("%s AS id", SQL.identifier(query.table, "id")),
            SQL(
                "%s AS customer_id",
                Model._field_to_sql(query.table, "partner_id", query),
            ),
            SQL(
                "ROW_NUMBER() OVER (PARTITION BY %s ORDER BY %s) AS rank",
                Model._field_to_sql(query.table, "partner_id", query),
                Model._order_to_sql(order or Model._order, query),
            ),
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM (%s) ranked WHERE rank <= %s
                 ORDER BY customer_id, rank""",
                ranked,
                limit,
            )
        )
        return Model.browse([row_id for (row_id,) in rows]).grouped("partner_id")

    @api.model
    def _relationship_curves(self, customers):
        """Per customer, the last CURVE_MONTHS months (this one included): revenue
        from posted invoices minus credit notes (untaxed, company currency),
        samples received, average satisfaction of the surveys answered, and the
        value tier of the month's latest segment snapshot, in the current company.

        One query for all ``customers``, which the caller has checked the user may
        read: it reads their invoices, samples, surveys and snapshots in SQL, as
        the customer's form shows their figures, whatever the user's own record
        rules on invoices (a salesperson sees only the invoices they issued).
        """
        if not customers:
            return {}
        self.env.flush_all()
        today = fields.Date.context_today(self)
        start = today.replace(day=1) - relativedelta(months=CURVE_MONTHS - 1)
        end = today.replace(day=1) + relativedelta(months=1)
        tz = self.env.context.get("tz") or self.env.user.tz or "UTC"
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH month AS (
                    SELECT generate_series(%(start)s::date, %(last)s::date,
                                           interval '1 month')::date AS month
                ),
                revenue AS (
                    SELECT partner_id,
                           date_trunc('month', invoice_date)::date AS month,
                           SUM(amount) AS revenue
                      FROM (%(revenue)s) move
                  GROUP BY 1, 2
                ),
                sample AS (
                    SELECT partner_id, month, COUNT(*) AS sample_count
                      FROM (SELECT partner_id, date_trunc('month',
                                       received_datetime AT TIME ZONE 'UTC'
                                       AT TIME ZONE %(tz)s)::date AS month
                              FROM lab_sample
                             WHERE partner_id = ANY(%(customers)s)
                               AND company_id = %(company)s
                               AND state NOT IN %(uncounted)s) local
                  GROUP BY 1, 2
                ),
                survey AS (
                    SELECT partner_id, month, AVG(overall_score) AS satisfaction
                      FROM (SELECT partner_id, overall_score, date_trunc('month',
                                       answered_datetime AT TIME ZONE 'UTC'
                                       AT TIME ZONE %(tz)s)::date AS month
                              FROM lab_survey
                             WHERE partner_id = ANY(%(customers)s)
                               AND company_id = %(company)s
                               AND state IN %(answered)s) local
                  GROUP BY 1, 2
                ),
                snapshot AS (
                    SELECT DISTINCT ON (partner_id, date_trunc('month', date))
                           partner_id, date_trunc('month', date)::date AS month, tier
                      FROM lab_segment_snapshot
                     WHERE partner_id = ANY(%(customers)s)
                       AND company_id = %(company)s
                       AND date >= %(start)s AND date < %(end)s
                  ORDER BY partner_id, date_trunc('month', date), date DESC, id DESC
                )
                SELECT customer.id AS partner_id, month.month,
                       COALESCE(revenue.revenue, 0)::float8 AS revenue,
                       COALESCE(sample.sample_count, 0) AS sample_count,
                       survey.satisfaction::float8 AS satisfaction,
                       snapshot.tier
                  FROM unnest(%(customers)s) AS customer(id)
            CROSS JOIN month
             LEFT JOIN revenue ON revenue.partner_id = customer.id
                              AND revenue.month = month.month
             LEFT JOIN sample ON sample.partner_id = customer.id
                             AND sample.month = month.month
             LEFT JOIN survey ON survey.partner_id = customer.id
                             AND survey.month = month.month
             LEFT JOIN snapshot ON snapshot.partner_id = customer.id
                               AND snapshot.month = month.month
              ORDER BY customer.id, month.month
                """,
                start=start,
                last=end - relativedelta(months=1),
                end=end,
                tz=tz,
                revenue=revenue_sql(
                    date_from=start,
                    date_to=end - relativedelta(days=1),
                    company_id=self.env.company.id,
                    customer_ids=customers.ids,
                ),
                customers=customers.ids,
                company=self.env.company.id,
                uncounted=UNCOUNTED_STATES,
                answered=ANSWERED_STATES,
            )
        )
        curves = {}
        for row in rows:
            curves.setdefault(row.pop("partner_id"), []).append(row)
        return curves
