import io
import math

import psycopg2.extensions
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, format_list

from ..report.revenue import revenue_sql
from .lab_sample import UNCOUNTED_STATES
from .lab_survey import ANSWERED_STATES

TIERS = [("A", "A - High value"), ("B", "B - Ordinary"), ("C", "C - Others")]
LOYALTY_TYPES = [
    ("true_loyalty", "True loyalty"),
    ("latent_loyalty", "Latent loyalty"),
    ("inertial_loyalty", "Inertial loyalty"),
    ("no_loyalty", "No loyalty"),
    ("unknown", "Unknown"),
]
CHURN_LEVELS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
RFM_SEGMENTS = [  # the keys of analytics.rfm.DEFAULT_RULES
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential loyalist"),
    ("new", "New"),
    ("promising", "Promising"),
    ("need_attention", "Need attention"),
    ("about_to_sleep", "About to sleep"),
    ("cant_lose", "Cannot lose them"),
    ("at_risk", "At risk"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
    ("other", "Other"),
]
# The settings of a run and their defaults (Settings, or the wizard).
DEFAULTS = {
    "period_months": 12,
    "transactions": "invoices",  # or "samples"
    "a_cutoff": 0.80,
    "b_cutoff": 0.95,
    "horizon_months": 12,
    "monthly_discount_rate": 0.01,
    "attitude_threshold": 4.0,
    "repeat_threshold": 2.0,  # transactions in the period
    "new_customer_days": 90,
    "rfm_rules": "",  # JSON; empty: analytics.rfm.DEFAULT_RULES
}
# Stored columns written by a run besides the engine's results
# (analytics.engine.RESULT_COLUMNS), first in the bulk insert.
KEY_COLUMNS = ("partner_id", "company_id", "date")


def _copy_text(value):
    """A value in COPY's text format."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\\N"
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    if isinstance(value, float):
        return float.__repr__(value)  # numpy 2 floats repr as np.float64(...)
    return str(value)


class LabSegmentSnapshot(models.Model):
    """One row per customer per run of the segmentation engine: the customer's
    value, segments and risks on that day. The rows of a customer over the runs
    are its relationship curve (客户关系曲线)."""

    _name = "lab.segment.snapshot"
    _description = "Customer Segment Snapshot"
    _order = "date desc, revenue desc, id"
    # Written by the segmentation run only, dated by ``date``: who and when are
    # known without the four audit columns, whose two foreign keys to res_users
    # cost a second per 100,000 rows written.
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    date = fields.Date(required=True, index=True)
    customer_category = fields.Selection(related="partner_id.customer_category")
    user_id = fields.Many2one(related="partner_id.user_id", string="Account Manager")
    state_id = fields.Many2one(related="partner_id.state_id", string="Region")
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(
        help="Posted invoices minus credit notes in the period.", readonly=True
    )
    revenue_share = fields.Float(
        string="Share of Revenue (%)", digits=(16, 2), readonly=True
    )
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", digits=(16, 2), readonly=True
    )
    tier = fields.Selection(TIERS, string="Value Tier", readonly=True)
    transaction_count = fields.Integer(string="Transactions (period)", readonly=True)
    recency_days = fields.Integer(string="Days since Last Transaction", readonly=True)
    r_score = fields.Integer(string="R", readonly=True)
    f_score = fields.Integer(string="F", readonly=True)
    m_score = fields.Integer(string="M", readonly=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True)
    probability_alive = fields.Float(
        string="Probability Active",
        digits=(16, 3),
        aggregator="avg",
        readonly=True,
    )
    expected_transactions = fields.Float(
        string="Expected Transactions (horizon)",
        digits=(16, 2),
        readonly=True,
    )
    clv = fields.Monetary(string="Lifetime Value (horizon)", readonly=True)
    satisfaction = fields.Float(digits=(16, 2), aggregator="avg", readonly=True)
    open_complaints = fields.Integer(readonly=True)
    sample_count = fields.Integer(string="Samples (period)", readonly=True)
    loyalty_type = fields.Selection(LOYALTY_TYPES, readonly=True)
    churn_level = fields.Selection(CHURN_LEVELS, string="Churn Risk", readonly=True)
    churn_reasons = fields.Char(
        string="Churn Reason Keys",
        help="The reasons' keys, comma-separated.",
        readonly=True,
    )
    churn_reason_text = fields.Char(
        string="Churn Reasons", compute="_compute_churn_reason_text"
    )
    suggested_categories = fields.Char(string="Suggested Services", readonly=True)
    is_latest = fields.Boolean(
        string="Latest",
        compute="_compute_is_latest",
        search="_search_is_latest",
        help="The customer's latest snapshot in its company: its current segments.",
    )

    # Each customer's latest row in a company (the customer's link, is_latest);
    # with the customer first, it also serves the foreign key.
    _partner_company_latest_idx = models.Index(
        "(partner_id, company_id, date DESC, id DESC)"
    )

    def _compute_is_latest(self):
        latest = self.search(
            Domain("id", "in", self.ids) & Domain("is_latest", "=", True)
        )
        for snapshot in self:
            snapshot.is_latest = snapshot in latest

    def _search_is_latest(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        latest = Domain(
            "id",
            "in",
            SQL(
                """SELECT DISTINCT ON (partner_id, company_id) id
                     FROM lab_segment_snapshot
                 ORDER BY partner_id, company_id, date DESC, id DESC"""
            ),
        )
        return latest if (True in value) == (operator == "in") else ~latest

    # Runs

    @api.model
    def _cron_recompute(self):
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            self.with_company(company)._recompute()

    @api.model
    def _check_settings(self, settings):
        """Refuse run settings (keys of DEFAULTS, those given) that the analysis
        cannot use: the bounds analytics.pareto and analytics.clv state."""
        if "period_months" in settings and settings["period_months"] < 1:
            raise ValidationError(
                self.env._("The segmentation period must be at least one month.")
            )
        if {"a_cutoff", "b_cutoff"} <= settings.keys() and not (
            0 < settings["a_cutoff"] <= settings["b_cutoff"] <= 1
        ):
            raise ValidationError(
                self.env._(
                    "The tier cut-offs are shares of revenue, with 0 < tier A <= "
                    "tier B <= 1 (e.g. 0.80 and 0.95), not %(a)s and %(b)s.",
                    a=settings["a_cutoff"],
                    b=settings["b_cutoff"],
                )
            )
        if "horizon_months" in settings and settings["horizon_months"] < 1:
            raise ValidationError(
                self.env._("The lifetime value horizon must be at least one month.")
            )
        # A monthly rate of 1 or more (100% a month) is a percentage typed as a
        # number: 1 meant 1 per cent, 0.01.
        if "monthly_discount_rate" in settings and not (
            0 <= settings["monthly_discount_rate"] < 1
        ):
            raise ValidationError(
                self.env._(
                    "The monthly discount rate is a fraction from 0 to less than 1 "
                    "(0.01 for one per cent a month), not %(rate)s.",
                    rate=settings["monthly_discount_rate"],
                )
            )
        # Satisfaction is the surveys' overall score, from 1 to 5.
        if "attitude_threshold" in settings and not (
            1 <= settings["attitude_threshold"] <= 5
        ):
            raise ValidationError(
                self.env._(
                    "The loyal attitude threshold is a satisfaction score from 1 to "
                    "5, not %(value)s.",
                    value=settings["attitude_threshold"],
                )
            )
        if "repeat_threshold" in settings and settings["repeat_threshold"] < 0:
            raise ValidationError(
                self.env._(
                    "The repeat purchase threshold (transactions) cannot be negative."
                )
            )

    @api.model
    def _settings(self, overrides=None):
        """The current company's settings of a run (Settings), ``overrides``
        applied."""
        company = self.env.company.sudo()
        settings = dict(DEFAULTS)
        for key in DEFAULTS:
            fname = f"lab_segment_{key}"
            # Not every key is a setting; an empty text or choice keeps the default.
            if fname in company._fields and company[fname] is not False:
                settings[key] = company[fname]
        settings.update(overrides or {})
        return settings

    def _recompute(self, partners=None, overrides=None):
        """Compute every customer's segments in the current company and store one
        snapshot row per customer (only for ``partners`` when given: the population
        figures, such as the Pareto tiers, always come from all customers)."""
        from ..analytics import engine  # noqa: PLC0415 (imports numpy)

        company = self.env.company
        today = fields.Date.context_today(self)
        settings = self._settings(overrides)
        data = self._extract(company, today, settings)
        fits = dict(company.lab_segment_fits or {})
        results = engine.run(data, settings, fits)  # {column: [value per customer]}
        company.sudo().lab_segment_fits = fits
        partner_ids = data["partner_ids"]
        keep = set(partners.commercial_partner_id.ids) if partners else None
        if keep is not None:
            chosen = [i for i, partner in enumerate(partner_ids) if partner in keep]
            partner_ids = [partner_ids[i] for i in chosen]
            results = {
                name: [values[i] for i in chosen] for name, values in results.items()
            }
        known_segments = dict(RFM_SEGMENTS)
        results["rfm_segment"] = [  # a custom rule's key is "other"
            segment if segment in known_segments else "other"
            for segment in results["rfm_segment"]
        ]
        count = len(partner_ids)
        columns = {
            "partner_id": partner_ids,
            "company_id": [company.id] * count,
            "date": [today] * count,
            **results,
        }
        previous = self._latest_levels(company, partner_ids)
        # Today's rows of these customers are replaced (a second run the same day).
        self.env.cr.execute(
            SQL(
                """DELETE FROM lab_segment_snapshot
                    WHERE company_id = %s AND date = %s %s""",
                company.id,
                today,
                SQL("AND partner_id = ANY(%s)", list(keep))
                if keep is not None
                else SQL(),
            )
        )
        self._insert(columns)
        self._notify_churn(columns, previous)
        self._update_lifecycle(columns, data, settings)
        return count

    def _transactions_sql(self, company, source):
        """The transactions of ``company``'s customers as ``SQL`` rows
        (partner_id, day, amount): its posted customer invoices (``source``
        "invoices") or its counted samples ("samples"), the segmentation's
        setting. Shared by the segmentation and the model check."""
        if source == "samples":
            # A sample is worth the prices of its accepted test items.
            return SQL(
                """SELECT sample.partner_id,
                          (sample.received_datetime AT TIME ZONE 'UTC')::date AS day,
                          COALESCE(SUM(line.price_unit) FILTER (
                              WHERE NOT COALESCE(line.is_rejected, FALSE)), 0)
                              AS amount
                     FROM lab_sample sample
                LEFT JOIN lab_sample_line line ON line.sample_id = sample.id
                    WHERE sample.company_id = %s
                      AND sample.state NOT IN %s
                 GROUP BY sample.id""",
                company.id,
                UNCOUNTED_STATES,
            )
        return SQL(
            """SELECT commercial_partner_id AS partner_id, invoice_date AS day,
                      amount_untaxed_signed AS amount
                 FROM account_move
                WHERE company_id = %s AND state = 'posted'
                  AND move_type = 'out_invoice'""",
            company.id,
        )

    def _extract(self, company, today, settings):
        """Everything the engine needs, for all customers of ``company``: three
        grouped queries."""
        self.env.flush_all()
        since = today - relativedelta(months=settings["period_months"])
        half = today - relativedelta(months=settings["period_months"] // 2 or 1)
        transactions = self._transactions_sql(company, settings["transactions"])
        self.env.cr.execute(
            SQL(
                """
                WITH revenue AS (
                    SELECT partner_id,
                           SUM(amount) FILTER (
                               WHERE invoice_date >= %(since)s) AS revenue,
                           SUM(amount) FILTER (
                               WHERE invoice_date >= %(half)s) AS recent,
                           SUM(amount) FILTER (
                               WHERE invoice_date >= %(since)s
                                 AND invoice_date < %(half)s) AS earlier
                      FROM (%(revenue)s) move
                  GROUP BY partner_id
                ),
                tx_day AS (
                    SELECT partner_id, day, SUM(amount) AS amount
                      FROM (%(transactions)s) tx
                     WHERE day <= %(today)s
                  GROUP BY partner_id, day
                ),
                tx AS (
                    SELECT partner_id, COUNT(*) AS days, MIN(day) AS first_day,
                           MAX(day) AS last_day,
                           COUNT(*) FILTER (WHERE day >= %(since)s) AS period_count,
                           AVG(amount) FILTER (WHERE day > first_day_of) AS repeat_value
                      FROM (SELECT tx_day.*, MIN(day) OVER (PARTITION BY partner_id)
                                   AS first_day_of FROM tx_day) ordered
                  GROUP BY partner_id
                ),
                survey AS (
                    SELECT partner_id, AVG(overall_score) AS satisfaction
                      FROM lab_survey
                     WHERE company_id = %(company)s
                       AND state IN %(answered)s
                       AND answered_datetime >= %(since)s
                  GROUP BY partner_id
                ),
                complaint AS (
                    SELECT partner_id, COUNT(*) AS open_complaints
                      FROM lab_complaint
                     WHERE company_id = %(company)s
                       AND state NOT IN ('closed', 'rejected')
                  GROUP BY partner_id
                ),
                service AS (
                    SELECT partner_id,
                           LEAST(AVG(resolution_on_time_rate),
                                 AVG(turnaround_kept_rate),
                                 AVG(commitment_kept_rate),
                                 -- reports kept: neither amended nor withdrawn
                                 100 - AVG(amended_rate)) AS service_kept
                      FROM (%(service)s) quality
                     WHERE company_id = %(company)s AND date >= %(since)s
                  GROUP BY partner_id
                ),
                sample AS (
                    SELECT partner_id, COUNT(*) AS sample_count
                      FROM lab_sample
                     WHERE company_id = %(company)s
                       AND state NOT IN %(uncounted)s
                       AND received_datetime >= %(since)s
                  GROUP BY partner_id
                )
                SELECT partner.id AS partner_id,
                       COALESCE(revenue.revenue, 0) AS revenue,
                       revenue.recent, revenue.earlier,
                       COALESCE(tx.days, 0) AS days,
                       %(today)s - tx.first_day AS age,
                       tx.last_day - tx.first_day AS span,
                       %(today)s - tx.last_day AS recency,
                       COALESCE(tx.period_count, 0) AS period_count,
                       tx.repeat_value,
                       survey.satisfaction,
                       COALESCE(complaint.open_complaints, 0) AS open_complaints,
                       COALESCE(sample.sample_count, 0) AS sample_count,
                       service.service_kept
                  FROM res_partner partner
             LEFT JOIN revenue ON revenue.partner_id = partner.id
             LEFT JOIN tx ON tx.partner_id = partner.id
             LEFT JOIN survey ON survey.partner_id = partner.id
             LEFT JOIN complaint ON complaint.partner_id = partner.id
             LEFT JOIN sample ON sample.partner_id = partner.id
             LEFT JOIN service ON service.partner_id = partner.id
                 WHERE partner.is_company AND partner.active
                   AND (partner.company_id IS NULL OR partner.company_id = %(company)s)
                   AND (revenue.partner_id IS NOT NULL OR tx.partner_id IS NOT NULL
                        OR partner.customer_category IS NOT NULL)
              ORDER BY partner.id
                """,
                since=since,
                half=half,
                today=today,
                company=company.id,
                transactions=transactions,
                revenue=revenue_sql(company_id=company.id),
                service=self.env["lab.service.quality"]._table_query,
                answered=ANSWERED_STATES,
                uncounted=UNCOUNTED_STATES,
            )
        )
        # As columns (a tuple per name): no dict per customer.
        names = [column.name for column in self.env.cr.description]
        rows = self.env.cr.fetchall()
        columns = dict.fromkeys(names, ())
        if rows:
            columns.update(zip(names, zip(*rows, strict=True), strict=True))
        del rows
        categories = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT move.commercial_partner_id, template.categ_id
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN product_product product ON product.id = line.product_id
                  JOIN product_template template
                    ON template.id = product.product_tmpl_id
                 WHERE move.company_id = %s AND move.state = 'posted'
                   AND move.move_type = 'out_invoice'
                   AND line.display_type = 'product'
                """,
                company.id,
            )
        )
        category_names = dict(
            self.env.execute_query(
                SQL("SELECT id, complete_name FROM product_category")
            )
        )
        return {
            "today": today,
            "partner_ids": list(columns.pop("partner_id")),
            "columns": columns,
            "categories": categories,
            "category_names": category_names,
        }

    def _insert(self, columns):
        """Write the snapshot rows (``columns``: a list per name of KEY_COLUMNS
        and the engine's RESULT_COLUMNS) with one COPY (as Odoo writes its
        external ids in bulk): several times faster than an INSERT at 100,000
        rows."""
        from ..analytics.engine import RESULT_COLUMNS  # noqa: PLC0415 (numpy)

        if not columns["partner_id"]:
            return
        names = (*KEY_COLUMNS, *RESULT_COLUMNS)
        rows = zip(*(columns[name] for name in names), strict=True)
        lines = ("\t".join([_copy_text(value) for value in row]) for row in rows)
        # The COPY protocol does not work with a wait callback (gevent).
        callback = psycopg2.extensions.get_wait_callback()
        psycopg2.extensions.set_wait_callback(None)
        try:
            self.env.cr.copy_from(
                io.StringIO("\n".join(lines)),
                table="lab_segment_snapshot",
                columns=names,
            )
        finally:
            psycopg2.extensions.set_wait_callback(callback)
        self.invalidate_model()

    def _latest_levels(self, company, partner_ids):
        """The churn level of each customer's latest snapshot before today."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, churn_level
                  FROM lab_segment_snapshot
                 WHERE company_id = %s AND partner_id = ANY(%s)
              ORDER BY partner_id, date DESC, id DESC
                """,
                company.id,
                partner_ids,
            )
        )
        return dict(rows)

    def _notify_churn(self, columns, previous):
        """An activity for the account manager of each customer entering high
        churn risk, stating the reasons; once, not again while it stays high."""
        entering = {
            partner_id: reasons
            for partner_id, level, reasons in zip(
                columns["partner_id"],
                columns["churn_level"],
                columns["churn_reasons"],
                strict=True,
            )
            if level == "high" and previous.get(partner_id) != "high"
        }
        if not entering:
            return
        labels = self._churn_reason_labels()
        notes = {  # the same few combinations of reasons recur
            keys: Markup("<p>%s</p>")
            % self.env._(
                "Reasons: %(reasons)s.",
                reasons=self._churn_reasons_text(keys, labels),
            )
            for keys in set(entering.values())
        }
        partner_ids = list(entering)
        self._create_churn_activities(
            partner_ids, [str(notes[entering[partner]]) for partner in partner_ids]
        )

    def _create_churn_activities(self, partner_ids, notes):
        """The churn activities of the customers ``partner_ids`` (their ``notes``)
        for their account managers (else customer-service managers, else the
        user running), and the managers following their customers, as
        ``mail.activity``'s create leaves them, in one statement: a first run may
        flag a quarter of the customers, which the ORM creates at some 0.4 ms
        each. No e-mail per activity (as with ``mail_activity_quick_update``):
        the account managers find them in their activities, and are told their
        count."""
        counts = self.env.execute_query(
            SQL(
                """
                WITH flagged AS (
                    SELECT partner.id AS res_id, partner.complete_name AS res_name,
                           COALESCE(partner.user_id, partner.service_manager_id,
                                    %(uid)s) AS user_id,
                           flag.note
                      FROM unnest(%(partners)s::int[], %(notes)s::text[])
                           AS flag(partner_id, note)
                      JOIN res_partner partner ON partner.id = flag.partner_id
                ),
                activity AS (
                    INSERT INTO mail_activity (
                        res_model_id, res_model, res_id, res_name, activity_type_id,
                        user_id, user_tz, summary, note, date_deadline, automated,
                        active, create_uid, create_date, write_uid, write_date)
                    SELECT %(model)s, 'res.partner', flagged.res_id, flagged.res_name,
                           %(type)s, flagged.user_id, person.tz, %(summary)s,
                           flagged.note, %(today)s, TRUE, TRUE, %(uid)s, %(now)s,
                           %(uid)s, %(now)s
                      FROM flagged
                      JOIN res_users assignee ON assignee.id = flagged.user_id
                      JOIN res_partner person ON person.id = assignee.partner_id
                 RETURNING res_id, user_id
                ),
                -- The assignee follows the customer (mail.activity's create
                -- subscribes it), with an internal user's default subtypes.
                follower AS (
                    INSERT INTO mail_followers (res_model, res_id, partner_id)
                    SELECT 'res.partner', activity.res_id, assignee.partner_id
                      FROM activity
                      JOIN res_users assignee ON assignee.id = activity.user_id
                        ON CONFLICT DO NOTHING
                 RETURNING id
                ),
                subtype AS (
                    INSERT INTO mail_followers_mail_message_subtype_rel
                           (mail_followers_id, mail_message_subtype_id)
                    SELECT follower.id, subtype
                      FROM follower, unnest(%(subtypes)s::int[]) AS subtype
                )
                SELECT user_id, COUNT(*) FROM activity GROUP BY user_id
                """,
                partners=partner_ids,
                notes=notes,
                model=self.env["ir.model"]._get_id("res.partner"),
                type=self.env.ref("lab_crm.mail_activity_type_churn_risk").id,
                summary=self.env._("High churn risk"),
                today=fields.Date.context_today(self),
                uid=self.env.uid,
                now=fields.Datetime.now(),
                subtypes=self.env["mail.message.subtype"]
                .default_subtypes("res.partner")[0]
                .ids,
            )
        )
        self.env["mail.activity"].invalidate_model()
        self.env["mail.followers"].invalidate_model()
        self.env["res.partner"].invalidate_model(
            ["activity_ids", "message_follower_ids"]
        )
        for user_id, count in counts:
            self.env["res.users"].browse(user_id)._bus_send(
                "mail.activity/updated", {"activity_created": True, "count_diff": count}
            )

    @api.depends("churn_reasons")
    def _compute_churn_reason_text(self):
        labels = self._churn_reason_labels()
        for snapshot in self:
            snapshot.churn_reason_text = (
                self._churn_reasons_text(snapshot.churn_reasons, labels) or False
            )

    def _churn_reasons_text(self, keys, labels):
        """The reasons of comma-separated ``keys`` in words, joined as the
        user's language joins a list."""
        return format_list(
            self.env, [labels.get(key, key) for key in (keys or "").split(",") if key]
        )

    def _churn_reason_labels(self):
        # A dict, not pairs: Odoo's term extractor mistakes a tuple that follows
        # a _() call for another _() call.
        return {
            "inactive_long": self.env._("no transaction for much longer than usual"),
            "p_alive_low": self.env._("unlikely to be still active"),
            "declining": self.env._("revenue falling"),
            "open_complaints": self.env._("open complaints"),
            "low_satisfaction": self.env._("low satisfaction"),
            "poor_service": self.env._("service commitments missed"),
        }

    def _update_lifecycle(self, columns, data, settings):
        """The lifecycle stage follows the segments; a customer marked lost by a
        manager (with its reason) stays lost.

        One UPDATE per stage, in SQL: the stage is not tracked (a first run
        changes every customer's, and a chatter message each costs some 3.5 ms:
        a minute at 20,000 customers); a manager's loss is, through its reason.
        """
        import numpy as np  # noqa: PLC0415 (as the engine, numpy on demand)

        partner_ids = np.array(columns["partner_id"], dtype=int)
        # The customers' figures, in the order of the rows written (the data's
        # customers are sorted by id; a run for some customers writes fewer).
        at = np.searchsorted(np.array(data["partner_ids"], dtype=int), partner_ids)
        figures = data["columns"]
        days = np.array(figures["days"], dtype=float)[at]
        age = np.array(figures["age"], dtype=float)[at]
        stage = np.select(
            [
                days == 0,
                age <= settings["new_customer_days"],
                np.array(columns["churn_level"]) == "high",
                np.array(columns["loyalty_type"]) == "true_loyalty",
            ],
            ["prospect", "new", "at_risk", "loyal"],
            "active",
        )
        stages = {
            name: partner_ids[stage == name].tolist() for name in np.unique(stage)
        }
        for stage, partner_ids in stages.items():
            self.env.cr.execute(
                SQL(
                    """UPDATE res_partner SET lifecycle_stage = %s
                        WHERE id = ANY(%s) AND lifecycle_stage IS DISTINCT FROM %s
                          AND lifecycle_stage IS DISTINCT FROM 'lost'""",
                    stage,
                    partner_ids,
                    stage,
                )
            )
        self.env["res.partner"].invalidate_model(["lifecycle_stage"])

    @api.model
    def _latest(self, partners):
        """The latest snapshot row of each partner in the current company."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, id
                  FROM lab_segment_snapshot
                 WHERE partner_id = ANY(%s) AND company_id = %s
              ORDER BY partner_id, date DESC, id DESC
                """,
                partners.ids,
                self.env.company.id,
            )
        )
        records = self.sudo().browse([row_id for _partner, row_id in rows])
        return {record.partner_id: record for record in records}
