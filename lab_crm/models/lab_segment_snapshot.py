import io
import math
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

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
from .res_partner import LIFECYCLE_STAGES

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
# (analytics.engine.RESULT_COLUMNS and suggestions), first in the bulk insert.
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


def _copy_formatter(values):
    """A function giving a part of ``values`` (a column) in COPY's text format,
    chosen once for the column: numbers (None as \\N) are written without a
    call per value, other values (texts, dates) from their distinct ones."""
    kinds = set(map(type, values))
    if kinds <= {int}:
        return lambda part: list(map(str, part))
    if kinds <= {int, float, type(None)}:  # not numpy's: their repr differs
        return lambda part: [
            "\\N" if value is None or value != value else repr(value)  # NaN != NaN
            for value in part
        ]
    texts = {value: _copy_text(value) for value in set(values)}
    return lambda part: [texts[value] for value in part]


class _CopyRows:
    """Columns (of as many values each) as a file of COPY's text format, formatted
    as COPY reads them, some thousands of rows at a time: PostgreSQL writes the
    rows sent while the next ones are formatted, instead of waiting for the text
    of all of them."""

    ROWS_PER_READ = 5000

    def __init__(self, columns):
        self._columns = [(values, _copy_formatter(values)) for values in columns]
        self._count = len(columns[0]) if columns else 0
        self._at = 0

    # A file's read (COPY calls it), not a model's.
    def read(self, size=-1):  # pylint: disable=method-required-super
        start, end = self._at, min(self._at + self.ROWS_PER_READ, self._count)
        self._at = end
        if start == end:
            return ""
        texts = [text(values[start:end]) for values, text in self._columns]
        return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"

    readline = read


@contextmanager
def _copy_protocol():
    """The COPY protocol does not work with a wait callback (gevent): none in
    this block, then back."""
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        yield
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def _engine():
    """The segmentation engine (it imports numpy and scipy: on demand)."""
    from ..analytics import engine  # noqa: PLC0415

    return engine


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
        company = self.env.company
        today = fields.Date.context_today(self)
        settings = self._settings(overrides)
        fits = dict(company.lab_segment_fits or {})
        # While PostgreSQL reads the customers' figures, the engine's modules
        # load (numpy, scipy); while it reads the product categories they
        # bought, the engine computes (no database).
        with self._jit_off(), ThreadPoolExecutor(max_workers=1) as pool:
            loading = pool.submit(_engine)
            data = self._extract(company, today, settings)
            engine = loading.result()
            running = pool.submit(engine.run, data, settings, fits)
            bought, names = self._categories_bought(company)
            results = running.result()  # {column: [value per customer]}
        results["suggested_categories"] = engine.suggestions(
            data["partner_ids"], bought, names
        )
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
        # The customers now at high churn risk and their levels so far (today's
        # rows of an earlier run included): an activity for those entering it.
        high = [
            partner
            for partner, level in zip(partner_ids, results["churn_level"], strict=True)
            if level == "high"
        ]
        previous = self._latest_levels(company, high)
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
        "invoices": the revenue rows of the invoices, ``revenue_sql``) or its
        counted samples ("samples"), the segmentation's setting. Shared by the
        segmentation and the model check."""
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
            """SELECT partner_id, invoice_date AS day, amount
                 FROM (%s) move
                WHERE is_invoice""",
            revenue_sql(company_id=company.id),
        )

    def _revenue_and_transactions_sql(self, company, today, source):
        """The revenue rows of ``company`` and its transactions up to ``today``
        as one set of ``SQL`` rows (partner_id, day, revenue, amount): a
        transaction has an amount, a revenue row a revenue. With invoices as the
        transactions, an invoice is both, and the invoices are read once."""
        revenue = revenue_sql(company_id=company.id)
        if source == "samples":
            return SQL(
                """SELECT partner_id, invoice_date AS day, amount AS revenue,
                          NULL AS amount
                     FROM (%s) move
                UNION ALL
                   SELECT partner_id, day, NULL, amount
                     FROM (%s) tx
                    WHERE day <= %s""",
                revenue,
                self._transactions_sql(company, source),
                today,
            )
        return SQL(
            """SELECT partner_id, invoice_date AS day, amount AS revenue,
                      CASE WHEN is_invoice AND invoice_date <= %s THEN amount END
                          AS amount
                 FROM (%s) move""",
            today,
            revenue,
        )

    @contextmanager
    def _jit_off(self):
        """PostgreSQL's JIT compilation off for the statements of this block,
        then back as it was (a failed block's transaction is rolled back, with
        the setting)."""
        [(previous,)] = self.env.execute_query(SQL("SELECT current_setting('jit')"))
        self.env.cr.execute(SQL("SET LOCAL jit = off"))
        yield
        self.env.cr.execute(SQL("SELECT set_config('jit', %s, TRUE)", previous))

    def _extract(self, company, today, settings):
        """The figures of all customers of ``company`` that the engine needs
        (``engine.INPUT_COLUMNS``, float arrays, NaN where unknown) and their
        lifecycle stages: one grouped query, read as columns."""
        import numpy as np  # noqa: PLC0415 (as the engine, numpy on demand)

        self.env.flush_all()
        since = today - relativedelta(months=settings["period_months"])
        half = today - relativedelta(months=settings["period_months"] // 2 or 1)
        figures = self._read_columns(
            SQL(
                """
                WITH tx_day AS (
                    SELECT partner_id, day, SUM(revenue) AS revenue,
                           SUM(amount) AS amount
                      FROM (%(rows)s) tx
                  GROUP BY partner_id, day
                ),
                -- Revenue by period; the days with a transaction (an amount).
                tx AS (
                    SELECT partner_id,
                           SUM(revenue) FILTER (WHERE day >= %(since)s) AS revenue,
                           SUM(revenue) FILTER (WHERE day >= %(half)s) AS recent,
                           SUM(revenue) FILTER (
                               WHERE day >= %(since)s AND day < %(half)s)
                               AS earlier,
                           COUNT(amount) AS days,
                           MIN(day) FILTER (WHERE amount IS NOT NULL) AS first_day,
                           MAX(day) FILTER (WHERE amount IS NOT NULL) AS last_day,
                           COUNT(amount) FILTER (WHERE day >= %(since)s)
                               AS period_count,
                           -- the mean of the days after the first one: the first
                           -- day's amount is the least [day, amount]'s
                           (SUM(amount) - (MIN(ARRAY[day - %(today)s, amount])
                                FILTER (WHERE amount IS NOT NULL))[2])
                               / NULLIF(COUNT(amount) - 1, 0) AS repeat_value
                      FROM tx_day
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
                -- The counted samples of the period are the service-quality
                -- rows of samples.
                service AS (
                    SELECT partner_id,
                           SUM(sample_count) AS sample_count,
                           LEAST(AVG(resolution_on_time_rate),
                                 AVG(turnaround_kept_rate),
                                 AVG(commitment_kept_rate),
                                 -- reports kept: neither amended nor withdrawn
                                 100 - AVG(amended_rate)) AS service_kept
                      FROM (%(service)s) quality
                     WHERE company_id = %(company)s AND date >= %(since)s
                  GROUP BY partner_id
                )
                SELECT partner.id AS partner_id,
                       COALESCE(array_position(%(stages)s::text[],
                                               partner.lifecycle_stage::text),
                                0) AS lifecycle_stage,
                       COALESCE(tx.revenue::float8, 0) AS revenue,
                       COALESCE(tx.recent::float8, 'NaN') AS recent,
                       COALESCE(tx.earlier::float8, 'NaN') AS earlier,
                       COALESCE(tx.days::float8, 0) AS days,
                       COALESCE((%(today)s - tx.first_day)::float8, 'NaN') AS age,
                       COALESCE((tx.last_day - tx.first_day)::float8, 'NaN') AS span,
                       COALESCE((%(today)s - tx.last_day)::float8, 'NaN') AS recency,
                       COALESCE(tx.period_count::float8, 0) AS period_count,
                       COALESCE(tx.repeat_value::float8, 'NaN') AS repeat_value,
                       COALESCE(survey.satisfaction::float8, 'NaN') AS satisfaction,
                       COALESCE(complaint.open_complaints::float8, 0)
                           AS open_complaints,
                       COALESCE(service.sample_count::float8, 0) AS sample_count,
                       COALESCE(service.service_kept::float8, 'NaN') AS service_kept
                  FROM res_partner partner
             LEFT JOIN tx ON tx.partner_id = partner.id
             LEFT JOIN survey ON survey.partner_id = partner.id
             LEFT JOIN complaint ON complaint.partner_id = partner.id
             LEFT JOIN service ON service.partner_id = partner.id
                 WHERE partner.is_company AND partner.active
                   AND (partner.company_id IS NULL
                        OR partner.company_id = %(company)s)
                   AND (tx.partner_id IS NOT NULL
                        OR partner.customer_category IS NOT NULL)
              ORDER BY partner.id
                """,
                since=since,
                half=half,
                today=today,
                company=company.id,
                rows=self._revenue_and_transactions_sql(
                    company, today, settings["transactions"]
                ),
                service=self.env["lab.service.quality"]._table_query,
                answered=ANSWERED_STATES,
                stages=[key for key, _label in LIFECYCLE_STAGES],
            )
        )
        stages = np.array(["", *(key for key, _label in LIFECYCLE_STAGES)])
        return {
            "today": today,
            "partner_ids": figures.pop("partner_id").tolist(),
            "lifecycle_stages": stages[figures.pop("lifecycle_stage")],
            "columns": figures,
        }

    def _categories_bought(self, company):
        """The (customer, product category) pairs of the posted invoices of
        ``company`` (two int arrays), and the categories' names: {category:
        name}."""
        bought = self._read_columns(
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
        names = dict(
            self.env.execute_query(
                SQL("SELECT id, complete_name FROM product_category")
            )
        )
        return (bought["commercial_partner_id"], bought["categ_id"]), names

    def _read_columns(self, query):
        """The rows of ``query`` (``SQL``) as numpy arrays, by column name.

        Its columns are float8, int4 or int8, never NULL (the query gives NaN for
        an unknown float8). They are read with one binary COPY, whose rows then
        all have one layout: one numpy record array, no Python object per value.
        PostgreSQL's binary COPY format (big-endian): a 19-byte header and its
        extension; per row, a 16-bit field count, then per field a 32-bit length
        and the value; at the end, a 16-bit -1. The columns' names and types come
        from the query run with no row.
        """
        import numpy as np  # noqa: PLC0415 (as the engine, numpy on demand)

        self.env.cr.execute(SQL("SELECT * FROM (%s) query LIMIT 0", query))
        kinds = {20: "i8", 23: "i4", 701: "f8"}  # PostgreSQL's type oids
        columns = {
            column.name: kinds[column.type_code] for column in self.env.cr.description
        }
        layout = [("fields", ">i2")]
        for name, kind in columns.items():
            layout += [(f"{name}_length", ">i4"), (name, f">{kind}")]
        layout = np.dtype(layout)
        data = io.BytesIO()
        with _copy_protocol():
            self.env.cr.copy_expert(
                self.env.cr.mogrify(SQL("COPY (%s) TO STDOUT (FORMAT binary)", query)),
                data,
            )
        data = data.getbuffer()
        start = 19 + int.from_bytes(data[15:19], "big")
        rows = np.frombuffer(
            data, layout, count=(len(data) - start - 2) // layout.itemsize, offset=start
        )
        if not (
            start + len(rows) * layout.itemsize + 2 == len(data)
            and all(
                (rows[f"{name}_length"] == np.dtype(kind).itemsize).all()
                for name, kind in columns.items()
            )
        ):
            raise ValueError(f"NULL values in the columns {list(columns)}")
        return {name: rows[name].astype(kind) for name, kind in columns.items()}

    def _insert(self, columns):
        """Write the snapshot rows (``columns``: a list per name of KEY_COLUMNS,
        the engine's RESULT_COLUMNS and the suggested categories) with one COPY:
        several times faster than an INSERT at 100,000 rows."""
        from ..analytics.engine import RESULT_COLUMNS  # noqa: PLC0415 (numpy)

        if not columns["partner_id"]:
            return
        names = (*KEY_COLUMNS, *RESULT_COLUMNS, "suggested_categories")
        with _copy_protocol():
            self.env.cr.copy_from(
                _CopyRows([columns[name] for name in names]),
                table="lab_segment_snapshot",
                columns=names,
            )
        self.invalidate_model()

    def _latest_levels(self, company, partner_ids):
        """The churn level of the latest snapshot of each of the customers
        ``partner_ids`` that has one: one lookup in the snapshots' index per
        customer."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT customer.id, latest.churn_level
                  FROM unnest(%s::int[]) AS customer(id)
                  JOIN LATERAL (
                           SELECT churn_level
                             FROM lab_segment_snapshot
                            WHERE partner_id = customer.id AND company_id = %s
                         ORDER BY date DESC, id DESC
                            LIMIT 1
                       ) latest ON TRUE
                """,
                partner_ids,
                company.id,
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

        One UPDATE of the customers whose stage changes, in SQL: the stage is not
        tracked (a first run changes every customer's, and a chatter message
        each costs some 3.5 ms: a minute at 20,000 customers); a manager's loss
        is, through its reason.
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
        current = data["lifecycle_stages"][at]
        changed = (stage != current) & (current != "lost")
        if changed.any():
            self.env.cr.execute(
                SQL(
                    """UPDATE res_partner partner SET lifecycle_stage = customer.stage
                         FROM unnest(%s::int[], %s::varchar[])
                              AS customer(id, stage)
                        WHERE partner.id = customer.id
                          AND partner.lifecycle_stage IS DISTINCT FROM customer.stage
                          AND partner.lifecycle_stage IS DISTINCT FROM 'lost'""",
                    partner_ids[changed].tolist(),
                    stage[changed].tolist(),
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
