from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, format_list

from ..report.lab_arrears_line import receivable_lines_sql

RISK_CLASSES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
# Features of one invoice, known when it was issued (FEATURES order).
FEATURES = [
    "prior_late_share",  # share of the customer's earlier invoices paid late
    "prior_days_late",  # their average days late (capped at 90)
    "log_size_ratio",  # ln(invoice amount / the customer's average invoice)
    "age_years",  # years since the customer's first invoice (capped at 10)
    "is_government",  # customer category, manufacturers being the reference
    "is_intermediary",
    "is_public",
]
MIN_TRAINING_ROWS = 20


class LabCustomerRisk(models.Model):
    """Nightly snapshot of each post-paid customer's late-payment risk.

    The probability that the customer pays its next invoice on time comes from a
    logistic regression refitted every night on the laboratory's own payment
    history (the invoices paid in the last 24 months, each described by what was
    known of its customer when it was issued: see FEATURES). A customer with
    invoices but no paid one yet is scored with the laboratory's average history
    for its category. With fewer than MIN_TRAINING_ROWS paid invoices, or when
    they were all on time or all late, no model is fitted and every customer gets
    the laboratory-wide share of invoices paid on time.
    """

    _name = "lab.customer.risk"
    _description = "Customer Payment Risk"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Date(required=True, index=True)
    probability = fields.Float(
        string="Probability to Pay on Time",
        digits=(16, 3),
        aggregator="avg",
        readonly=True,
    )
    risk_class = fields.Selection(RISK_CLASSES, required=True, readonly=True)
    factors = fields.Text(string="Main Factors", readonly=True)
    has_history = fields.Boolean(string="Payment History", readonly=True)

    @api.model
    def _cron_refit(self):
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            self.with_company(company)._refit()

    def _refit(self):
        """Refit the model on the current company's history and store one row
        per post-paid customer with receivables, in bulk."""
        from ..analytics import logistic  # noqa: PLC0415 (imports numpy)

        company = self.env.company
        today = fields.Date.context_today(self)
        training, customers, population = self._risk_data(company, today)
        outcomes = [row["on_time"] for row in training]
        on_time_rate = sum(outcomes) / len(outcomes) if outcomes else None
        model = None
        if len(training) >= MIN_TRAINING_ROWS and 0 < sum(outcomes) < len(outcomes):
            model = logistic.fit(
                [[row[f] for f in FEATURES] for row in training], outcomes
            )
        vals_list = []
        rows = [self._customer_features(c, population, today) for c in customers]
        if model and rows:
            probabilities = logistic.predict(
                model, [[r[f] for f in FEATURES] for r in rows]
            )
            parts = logistic.contributions(
                model, [[r[f] for f in FEATURES] for r in rows]
            )
        for index, row in enumerate(rows):
            if model:
                probability = float(probabilities[index])
                factors = self._explain(row, parts[index])
            else:
                probability = on_time_rate
                factors = self.env._(
                    "Too little payment history to fit a model: the laboratory's "
                    "share of invoices paid on time."
                )
            if probability is None:
                continue
            vals_list.append(
                {
                    "partner_id": row["partner_id"],
                    "company_id": company.id,
                    "date": today,
                    "probability": probability,
                    "risk_class": self._risk_class(probability),
                    "factors": factors,
                    "has_history": row["has_history"],
                }
            )
        # The snapshot is the system's, whoever runs the refit.
        Risk = self.sudo()
        Risk.search([("company_id", "=", company.id), ("date", "=", today)]).unlink()
        return Risk.create(vals_list)

    @api.model
    def _risk_class(self, probability):
        """The class of ``probability`` (the current company's thresholds)."""
        company = self.env.company.sudo()
        high, medium = company.lab_risk_high_below, company.lab_risk_medium_below
        if probability < high:
            return "high"
        return "medium" if probability < medium else "low"

    def _risk_data(self, company, today):
        """Training rows (paid invoices), the customers to score and the
        laboratory's average history: two queries."""
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model(
            ["commercial_partner_id", "customer_category", "is_lab_prepaid"]
        )
        lines = receivable_lines_sql(today, paid_since=today - relativedelta(months=24))
        training = self.env.execute_query_dict(
            SQL(
                """
                WITH line AS (%(lines)s),
                paid AS (
                    SELECT line.id, line.partner_id, line.date, line.balance,
                           GREATEST(line.paid_date - line.date_due, 0) AS days_late
                      FROM line
                     WHERE line.paid_date IS NOT NULL
                       AND line.company_id = %(company)s
                ),
                invoiced AS (
                    SELECT partner_id, MIN(date) AS first_date,
                           AVG(balance) AS avg_balance
                      FROM line
                     WHERE balance > 0 AND company_id = %(company)s
                  GROUP BY partner_id
                )
                SELECT paid.partner_id, partner.customer_category AS category,
                       (paid.days_late = 0) AS on_time,
                       AVG((paid.days_late > 0)::int) OVER earlier AS prior_late_share,
                       AVG(LEAST(paid.days_late, 90)) OVER earlier AS prior_days_late,
                       LN(paid.balance / NULLIF(invoiced.avg_balance, 0))
                           AS log_size_ratio,
                       LEAST((paid.date - invoiced.first_date) / 365.0, 10) AS age_years
                  FROM paid
                  JOIN invoiced USING (partner_id)
                  JOIN res_partner partner ON partner.id = paid.partner_id
                WINDOW earlier AS (
                    PARTITION BY paid.partner_id ORDER BY paid.date, paid.id
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
                )
                """,
                lines=lines,
                company=company.id,
            )
        )
        customers = self.env.execute_query_dict(
            SQL(
                """
                WITH line AS (%(lines)s),
                paid AS (
                    SELECT line.id, line.partner_id,
                           GREATEST(line.paid_date - line.date_due, 0) AS days_late
                      FROM line
                     WHERE line.paid_date IS NOT NULL
                       AND line.company_id = %(company)s
                )
                SELECT line.partner_id, partner.customer_category AS category,
                       MIN(line.date) AS first_date,
                       (SELECT AVG((paid.days_late > 0)::int) FROM paid
                         WHERE paid.partner_id = line.partner_id) AS late_share,
                       (SELECT AVG(LEAST(paid.days_late, 90)) FROM paid
                         WHERE paid.partner_id = line.partner_id) AS days_late
                  FROM line
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE line.company_id = %(company)s AND line.balance > 0
                   AND NOT COALESCE(partner.is_lab_prepaid, FALSE)
              GROUP BY line.partner_id, partner.customer_category
                """,
                lines=lines,
                company=company.id,
            )
        )
        population = self._population(training)
        for row in training:
            row.update(self._category_flags(row["category"]))
            for name in ("prior_late_share", "prior_days_late"):
                if row[name] is None:  # a customer's first paid invoice
                    row[name] = population[name]
                row[name] = float(row[name])
            row["log_size_ratio"] = float(row["log_size_ratio"] or 0.0)
            row["age_years"] = float(row["age_years"] or 0.0)
        return training, customers, population

    @api.model
    def _population(self, training):
        """The laboratory's average history, for customers without their own."""
        late = [1.0 - row["on_time"] for row in training]
        days = [
            row["prior_days_late"]
            for row in training
            if row["prior_days_late"] is not None
        ]
        return {
            "prior_late_share": sum(late) / len(late) if late else 0.0,
            "prior_days_late": float(sum(days) / len(days)) if days else 0.0,
        }

    @api.model
    def _category_flags(self, category):
        return {
            "is_government": float(category == "government"),
            "is_intermediary": float(category == "intermediary"),
            "is_public": float(category == "public"),
        }

    @api.model
    def _customer_features(self, customer, population, today):
        """A customer's features for its next invoice (of its usual size)."""
        has_history = customer["late_share"] is not None
        return {
            "partner_id": customer["partner_id"],
            "has_history": has_history,
            "prior_late_share": float(
                customer["late_share"]
                if has_history
                else population["prior_late_share"]
            ),
            "prior_days_late": float(
                customer["days_late"] if has_history else population["prior_days_late"]
            ),
            "log_size_ratio": 0.0,
            "age_years": min((today - customer["first_date"]).days / 365.0, 10.0),
            **self._category_flags(customer["category"]),
        }

    def _explain(self, row, parts):
        """The main factors lowering the probability, in words (at most three)."""
        words = {
            "prior_late_share": lambda: self.env._(
                "paid %(share)s%% of its invoices late",
                share=round(100 * row["prior_late_share"]),
            ),
            "prior_days_late": lambda: self.env._(
                "paid %(days)s days late on average", days=round(row["prior_days_late"])
            ),
            "age_years": lambda: self.env._("a recent customer"),
            "is_government": lambda: self.env._("government regulators often pay late"),
            "is_intermediary": lambda: self.env._("intermediaries often pay late"),
            "is_public": lambda: self.env._("individual customers often pay late"),
        }
        negative = sorted(
            (value, name)
            for name, value in zip(FEATURES, parts, strict=True)
            if value < -0.05 and name in words
        )
        phrases = [words[name]() for _value, name in negative[:3]]
        if not row["has_history"]:
            phrases.insert(
                0, self.env._("no payment history yet: like similar customers")
            )
        if not phrases:
            return self.env._("Pays like the laboratory's best customers.")
        factors = format_list(self.env, phrases)
        return self.env._("%(factors)s.", factors=factors[:1].upper() + factors[1:])

    @api.model
    def _latest(self, partners):
        """The latest snapshot row of each partner in the current company."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, id
                  FROM lab_customer_risk
                 WHERE partner_id IN %s AND company_id = %s
              ORDER BY partner_id, date DESC, id DESC
                """,
                tuple(partners.ids) or (None,),
                self.env.company.id,
            )
        )
        records = self.sudo().browse([row_id for _partner, row_id in rows])
        return {record.partner_id: record for record in records}
