"""Seconds and memory of lab_crm's customer segmentation run, against the lower bound.

    "$LAB_CRM_VENV"/bin/python tests/bench_segments.py [--customers 100000]
        [--invoice-lines 1000000] [--samples 300000] [--runs 2] [--template DB]
        [--keep] [--explain]

Run it with Odoo's virtualenv python (PYTHON of scripts/common.sh), after
scripts/setup.sh, from tests/ (it imports bench_arrears and odoo_e2e). It makes a
database of its own (named after LAB_CRM_DB_PREFIX, dropped at the end unless
--keep): a copy of --template when given (a database with lab_crm installed),
else a new one where odoo-bin installs lab_crm; a generic chart of accounts is
loaded when the company has none (bench_arrears.ledger). Through the ORM, in a
process using Odoo as a library: 6 product categories of 2 service products each
and 8 account managers (users). Then, directly in SQL (indexes and foreign keys
dropped and rebuilt, then VACUUM ANALYZE), deterministic (setseed):
  - the customers: companies with a customer category (90%) and an account
    manager (80%); 25% started within the 36 months, 30% stopped buying at some
    point (so recency and churn levels vary);
  - about 0.33 posted customer invoices per invoice line (330,000 for 1,000,000
    lines) over each customer's active months, 3% of them credit notes, skewed
    (customer k of n gets invoices with a density in 1/sqrt(k/n): the first 1%
    get 10% of them); 3 or 4 product lines each, mostly in the customer's
    preferred category; only the product lines (display_type 'product', income
    account): no receivable (payment term) line, so the moves are not balanced
    and not reconciled (payment_state 'paid') -- the segmentation never reads
    them;
  - the samples (lab_sample), skewed like the invoices, received over each
    customer's active months, 2% cancelled, the recent ones not delivered yet;
  - one answered survey (overall score 1 to 5) per 25 customers over 18 months,
    one complaint per 100 customers over 12 months, 70% of them open.

Timed:
  1. the lower bound: the bare SQL aggregation of the same rows, by customer,
     one statement each, their sum being the bound: the posted invoices and
     credit notes (sum, count, first and last date), the product lines of the
     invoices by customer and product category, the samples (count), the
     answered surveys and open complaints; first run (cold buffers after the
     load; the OS page cache is not dropped) and median of --runs warm runs,
     with PostgreSQL's JIT on (the server's default), off, and off with no
     index scans (the planner sometimes reads a big table in an index's order,
     several times slower): the bound is the sum of each statement's fastest;
  2. lab.segment.snapshot._recompute() through the ORM in a separate process:
     a first run (every customer at high churn risk gets an activity), then
     --runs steady-state runs (a rerun on the same day: today's rows deleted and
     written again, an activity only for a customer newly at high risk), each
     committed; the seconds of its steps (wrapped with timers in that process
     only; the engine and the read of the categories bought overlap), of the
     flush and of the commit (with its post-commit hooks, which
     would send e-mails) in the first and the last run; the activities and
     e-mails (mail.mail) created.
  3. the write floor: the last run's rows copied back (COPY) into
     lab_segment_snapshot and into a copy of it without foreign keys, each
     rolled back: what writing one row per customer costs by itself.
It prints a table, the headline ratio (steady-state recompute / floor, the floor
being the lower bound plus the write floor with Odoo's keys: target <= 1.5), the
first run against the steady one (target <= 2), the full recompute against 120 s,
the worker's peak memory (ru_maxrss) against 4 GiB, and the write floor against
the lower bound. Not
collected by pytest (not test_*.py).
"""

import argparse
import faulthandler
import io
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bench_arrears import (
    LINE_COLUMNS,
    MOVE_COLUMNS,
    bulk_load,
    ledger,
    make_db,
    median,
    one,
    peak_mib,
    say,
    sql_measure,
)
from odoo_e2e import Settings, open_registry, run_worker
from psycopg2 import sql

TARGET_RATIO = 1.5  # steady run / (lower bound + write floor)
TARGET_FIRST = 2.0  # first run / steady run
TARGET_SECONDS = 120.0
TARGET_MIB = 4096.0
MONTHS = 36
DAYS = 1095  # 36 months
CATEGORIES = ["Food", "Water", "Environment", "Cosmetics", "Textiles", "Metrology"]
PRODUCTS_PER_CATEGORY = 2
MANAGERS = 8
# The tables loaded in SQL (their indexes and foreign keys dropped meanwhile).
BULK_TABLES = [
    "res_partner",
    "account_move",
    "account_move_line",
    "lab_sample",
    "lab_survey",
    "lab_complaint",
]
STEPS = [
    "_extract",
    "engine.run",
    "_categories_bought",
    "_latest_levels",
    "_insert",
    "_notify_churn",
    "_update_lifecycle",
]

# The lower bound: the same rows as lab.segment.snapshot._extract, bare.
LOWER_BOUNDS = {
    "invoices by customer": """
        SELECT commercial_partner_id, SUM(amount_untaxed_signed), COUNT(*),
               MIN(invoice_date), MAX(invoice_date)
          FROM account_move
         WHERE company_id = {company} AND state = 'posted'
           AND move_type IN ('out_invoice', 'out_refund')
      GROUP BY commercial_partner_id
    """,
    "lines by customer, category": """
        SELECT move.commercial_partner_id, template.categ_id, COUNT(*)
          FROM account_move_line line
          JOIN account_move move ON move.id = line.move_id
          JOIN product_product product ON product.id = line.product_id
          JOIN product_template template ON template.id = product.product_tmpl_id
         WHERE move.company_id = {company} AND move.state = 'posted'
           AND move.move_type = 'out_invoice' AND line.display_type = 'product'
      GROUP BY 1, 2
    """,
    "samples by customer": """
        SELECT partner_id, COUNT(*)
          FROM lab_sample
         WHERE company_id = {company} AND state != 'cancelled'
      GROUP BY partner_id
    """,
    "surveys, complaints by customer": """
        SELECT partner_id, AVG(overall_score), NULL::bigint
          FROM lab_survey
         WHERE company_id = {company} AND state IN ('answered', 'analysed')
      GROUP BY partner_id
     UNION ALL
        SELECT partner_id, NULL, COUNT(*)
          FROM lab_complaint
         WHERE company_id = {company}
           AND state NOT IN ('closed', 'rejected')
      GROUP BY partner_id
    """,
}

# Staging: one row per customer, its category, manager and active days
# (invoices and samples fall between stop_days and start_days before today).
CUSTOMER_STAGE_SQL = f"""
    CREATE UNLOGGED TABLE bench_customer AS
    WITH draw AS (
        SELECT k, random() AS r_cat, random() AS r_user, random() AS r_new,
               random() AS r_start, random() AS r_churn, random() AS r_stop,
               random() AS r_pref
          FROM generate_series(1, %(customers)s) AS k
    ), span AS (
        SELECT k, r_cat, r_user, r_churn, r_stop, r_pref,
               CASE WHEN r_new < 0.25 THEN 30 + floor(r_start * ({DAYS} - 30))::int
                    ELSE {DAYS} END AS start_days
          FROM draw
    )
    SELECT %(partner_base)s + k AS id, k,
           CASE WHEN r_cat < 0.9 THEN (%(categories)s::varchar[])[
               1 + floor(r_cat / 0.9 * cardinality(%(categories)s::varchar[]))::int]
           END AS category,
           CASE WHEN r_user < 0.8 THEN (%(managers)s::int[])[
               1 + floor(r_user / 0.8 * cardinality(%(managers)s::int[]))::int]
           END AS user_id,
           start_days,
           CASE WHEN r_churn < 0.3 THEN floor(r_stop * (start_days - 1))::int
                ELSE 0 END AS stop_days,
           floor(r_pref * {len(CATEGORIES)})::int AS pref
      FROM span
"""
# Customer k of n is drawn with a density in 1/sqrt(k/n).
SKEWED_CUSTOMER = (
    "1 + LEAST(floor(%(customers)s * r_partner * r_partner)::int, %(customers)s - 1)"
)
INVOICE_STAGE_SQL = f"""
    CREATE UNLOGGED TABLE bench_invoice AS
    WITH draw AS (
        SELECT i, random() AS r_partner, random() AS r_day, random() AS r_type
          FROM generate_series(1, %(invoices)s) AS i
    )
    SELECT i, customer.id AS partner_id, customer.pref,
           %(today)s::date - customer.stop_days
               - floor(r_day * (customer.start_days - customer.stop_days))::int
               AS invoice_date,
           CASE WHEN r_type < 0.03 THEN 'out_refund' ELSE 'out_invoice' END
               AS move_type
      FROM draw
      JOIN bench_customer customer ON customer.k = {SKEWED_CUSTOMER}
"""
# Line j belongs to invoice (j - 1) * invoices / lines + 1: 3 or 4 lines each; its
# category is the customer's preferred one for 55% of the lines.
LINE_STAGE_SQL = f"""
    CREATE UNLOGGED TABLE bench_line AS
    WITH draw AS (
        SELECT j, ((j - 1)::bigint * %(invoices)s / %(lines)s + 1)::int AS i,
               random() AS r_cat, random() AS r_variant, random() AS r_price
          FROM generate_series(1, %(lines)s) AS j
    )
    SELECT j, draw.i,
           (%(products)s::int[])[1 + {PRODUCTS_PER_CATEGORY} * (
               (invoice.pref + floor(r_cat ^ 3 * {len(CATEGORIES)})::int)
               %% {len(CATEGORIES)})
               + floor(r_variant * {PRODUCTS_PER_CATEGORY})::int] AS product_id,
           round((50 + 4950 * r_price * r_price)::numeric, 2) AS price
      FROM draw
      JOIN bench_invoice invoice ON invoice.i = draw.i
"""

PARTNER_SQL = """
    INSERT INTO res_partner (
        id, name, complete_name, type, is_company, active, commercial_partner_id,
        lang, customer_rank, supplier_rank, autopost_bills, partner_share, employee,
        color, message_bounce, customer_category, user_id, lifecycle_stage,
        operating_status, create_uid, write_uid, create_date, write_date)
    SELECT id, 'Bench Customer ' || lpad(k::text, 6, '0'),
           'Bench Customer ' || lpad(k::text, 6, '0'), 'contact', TRUE, TRUE, id,
           'en_US', 1, 0, 'ask', TRUE, FALSE, 0, 0, category, user_id, 'prospect',
           'operating', 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM bench_customer
  ORDER BY id
"""
INVOICE_MOVE_SQL = f"""
    INSERT INTO account_move ({MOVE_COLUMNS})
    SELECT %(move_base)s + i, prefix || lpad(i::text, 7, '0'), prefix, i,
           %(sale_journal)s, %(company)s, %(currency)s, partner_id, partner_id,
           'posted', move_type, 'no', invoice_date, invoice_date, invoice_date + 30,
           amount, 0, amount, 0, sign * amount, sign * amount, 0, sign * amount,
           sign * amount, 0, 'paid', 1, FALSE, TRUE, TRUE, FALSE, TRUE, 1, 1,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM (
        SELECT invoice.*, total.amount,
               CASE move_type WHEN 'out_refund' THEN 'RINV/BENCH/'
                              ELSE 'INV/BENCH/' END AS prefix,
               CASE move_type WHEN 'out_refund' THEN -1 ELSE 1 END AS sign
          FROM bench_invoice invoice
          JOIN (SELECT i, SUM(price) AS amount FROM bench_line GROUP BY i) total
            ON total.i = invoice.i
      ) AS invoice
  ORDER BY i
"""
# Product lines only: an invoice's line is a credit, a credit note's a debit.
INVOICE_LINE_SQL = f"""
    INSERT INTO account_move_line ({LINE_COLUMNS}, product_id)
    SELECT %(line_base)s + j, %(move_base)s + i,
           CASE move_type WHEN 'out_refund' THEN 'RINV/BENCH/' ELSE 'INV/BENCH/' END
               || lpad(i::text, 7, '0'),
           %(sale_journal)s, %(company)s, %(currency)s, %(currency)s, partner_id,
           %(income)s, 'product', 10, 'Bench testing service', 'posted',
           invoice_date, invoice_date, NULL, debit, credit, debit - credit,
           debit - credit, 0, 0, FALSE, NULL, 1, price, price, price, 0, NULL,
           1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', product_id
      FROM (
        SELECT line.j, line.i, line.product_id, line.price, invoice.partner_id,
               invoice.invoice_date, invoice.move_type,
               CASE move_type WHEN 'out_refund' THEN price ELSE 0 END AS debit,
               CASE move_type WHEN 'out_refund' THEN 0 ELSE price END AS credit
          FROM bench_line line
          JOIN bench_invoice invoice ON invoice.i = line.i
      ) AS line
  ORDER BY j
"""
SAMPLE_SQL = f"""
    INSERT INTO lab_sample (
        id, company_id, partner_id, name, sample_name, state, received_datetime,
        create_uid, write_uid, create_date, write_date)
    WITH draw AS (
        SELECT s, random() AS r_partner, random() AS r_day, random() AS r_time,
               random() AS r_state
          FROM generate_series(1, %(samples)s) AS s
    ), sample AS (
        SELECT s, customer.id AS partner_id, r_time, r_state,
               customer.stop_days
               + floor(r_day * (customer.start_days - customer.stop_days))::int
                   AS age
          FROM draw
          JOIN bench_customer customer ON customer.k = {SKEWED_CUSTOMER}
    )
    SELECT %(sample_base)s + s, %(company)s, partner_id,
           'BENCH-S' || lpad(s::text, 7, '0'), 'Bench sample',
           CASE WHEN r_state < 0.02 THEN 'cancelled'
                WHEN age < 5 THEN (ARRAY['received', 'review', 'testing'])[
                    1 + floor((r_state - 0.02) / 0.98 * 3)::int]
                WHEN age < 20 AND r_state < 0.5 THEN 'reported'
                ELSE 'delivered' END,
           (%(today)s::date - age)::timestamp + interval '1 hour'
               + r_time * interval '9 hours',
           1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM sample
  ORDER BY s
"""
SURVEY_SQL = """
    INSERT INTO lab_survey (
        id, company_id, partner_id, customer_category, user_id, name, kind,
        channel, state, date, answered_datetime, score_guidance, score_accuracy,
        score_turnaround, score_resolution, score_responsiveness, score_attitude,
        score_competence, score_fees, overall_score,
        create_uid, write_uid, create_date, write_date)
    WITH draw AS (
        SELECT v, random() AS r_partner, random() AS r_day, random() AS r_score,
               random() AS r_state
          FROM generate_series(1, %(surveys)s) AS v
    ), survey AS (
        SELECT v, customer.id AS partner_id, customer.category, customer.user_id,
               r_state, floor(r_day * 540)::int AS age,
               LEAST(5, 1 + floor(5 * sqrt(r_score)))::int AS score
          FROM draw
          JOIN bench_customer customer
            ON customer.k = 1 + floor(%(customers)s * r_partner)::int
    )
    SELECT %(survey_base)s + v, %(company)s, partner_id, category, user_id,
           'Bench survey', 'other', 'email',
           CASE WHEN r_state < 0.7 THEN 'answered' ELSE 'analysed' END,
           %(today)s::date - age,
           (%(today)s::date - age)::timestamp + interval '3 hours',
           score, score, score, score, score, score, score, score, score,
           1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM survey
  ORDER BY v
"""
COMPLAINT_SQL = """
    INSERT INTO lab_complaint (
        id, company_id, partner_id, name, summary, channel, severity, state,
        received_date, create_uid, write_uid, create_date, write_date)
    WITH draw AS (
        SELECT q, random() AS r_partner, random() AS r_day, random() AS r_state
          FROM generate_series(1, %(complaints)s) AS q
    )
    SELECT %(complaint_base)s + q, %(company)s, customer.id,
           'BENCH-C' || lpad(q::text, 6, '0'), 'Bench complaint', 'phone', 'minor',
           CASE WHEN r_state < 0.7 THEN
                    (ARRAY['new', 'investigating', 'action', 'awaiting_customer'])[
                        1 + floor(r_state / 0.7 * 4)::int]
                WHEN r_state < 0.9 THEN 'closed' ELSE 'rejected' END,
           %(today)s::date - floor(r_day * 365)::int,
           1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM draw
      JOIN bench_customer customer
        ON customer.k = 1 + floor(%(customers)s * r_partner)::int
  ORDER BY q
"""


# The ORM side, in a process of its own ---------------------------------------------


def setup(env):
    """The product categories and products the invoice lines use, and the account
    managers; returns their ids and the customer categories of res.partner."""
    products = []
    for name in CATEGORIES:
        category = env["product.category"].create({"name": f"Bench {name}"})
        for variant in range(PRODUCTS_PER_CATEGORY):
            product = env["product.product"].create(
                {
                    "name": f"Bench {name} test {variant + 1}",
                    "default_code": f"BENCH-{name[:4].upper()}-{variant + 1}",
                    "type": "service",
                    "categ_id": category.id,
                }
            )
            products.append(product.id)
    managers = env["res.users"].create(
        [
            {"name": f"Bench Account Manager {n + 1}", "login": f"bench_am_{n + 1}"}
            for n in range(MANAGERS)
        ]
    )
    selection = env["res.partner"]._fields["customer_category"].selection
    return {
        "products": products,
        "managers": managers.ids,
        "categories": [key for key, _label in selection],
    }


def step_timers(env, steps):
    """Wraps the steps of _recompute with timers adding up into ``steps``, in this
    process only (the registry's class of lab.segment.snapshot and the engine
    module)."""
    from odoo.addons.lab_crm.analytics import engine  # noqa: PLC0415

    def timer(label, function):
        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                steps[label] = steps.get(label, 0.0) + time.perf_counter() - start

        return wrapped

    snapshot_class = type(env["lab.segment.snapshot"])
    for name in STEPS:
        if name == "engine.run":
            engine.run = timer(name, engine.run)
        else:
            setattr(snapshot_class, name, timer(name, getattr(snapshot_class, name)))


def recompute(env, runs):
    """A first run of _recompute, then ``runs`` steady-state runs, each committed."""
    cr = env.cr
    activity_type = env.ref("lab_crm.mail_activity_type_churn_risk")

    def counts():
        cr.execute(
            """SELECT (SELECT COUNT(*) FROM mail_activity
                        WHERE activity_type_id = %s),
                      (SELECT COUNT(*) FROM mail_mail)""",
            [activity_type.id],
        )
        return cr.fetchone()

    steps = {}
    step_timers(env, steps)
    Snapshot = env["lab.segment.snapshot"]
    out = {"runs": []}
    for _run in range(runs + 1):
        env.invalidate_all()
        before = counts()
        steps.clear()
        start = time.perf_counter()
        rows = Snapshot._recompute()
        returned = time.perf_counter()
        env.flush_all()
        flushed = time.perf_counter()
        # The benchmark's own database: each run is committed, as the nightly job.
        cr.commit()  # pylint: disable=invalid-commit
        end = time.perf_counter()
        breakdown = dict(steps)
        breakdown["flush"] = flushed - returned
        breakdown["commit"] = end - flushed
        breakdown["other"] = end - start - sum(breakdown.values())
        after = counts()
        out["runs"].append(
            {
                "seconds": end - start,
                "rows": rows,
                "activities": after[0] - before[0],
                "mails": after[1] - before[1],
                "steps": breakdown,
                "peak_mib": peak_mib(),
            }
        )
        sys.stderr.write(f"bench_segments: run {len(out['runs'])}: {out['runs'][-1]}\n")
        sys.stderr.flush()
    cr.execute(
        """SELECT churn_level, COUNT(*) FROM lab_segment_snapshot
            WHERE date = (SELECT MAX(date) FROM lab_segment_snapshot)
         GROUP BY 1 ORDER BY 1"""
    )
    out["churn_levels"] = dict(cr.fetchall())
    cr.execute(
        """SELECT lifecycle_stage, COUNT(*) FROM res_partner
            WHERE is_company GROUP BY 1 ORDER BY 1"""
    )
    out["lifecycle"] = {str(key): count for key, count in cr.fetchall()}
    return out


def worker(args):
    """Runs one step through the ORM in this process and writes its result as
    JSON."""
    faulthandler.enable()
    registry = open_registry(args.db)
    from odoo import api, fields  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        out = {
            "today": str(fields.Date.context_today(env.user)),
            "loaded_mib": peak_mib(),
        }
        if args.worker == "setup":
            out.update(setup(env))
        elif args.worker == "recompute":
            out.update(recompute(env, args.runs))
        out["peak_mib"] = peak_mib()
        # The benchmark's own database: keep what the worker did.
        cr.commit()  # pylint: disable=invalid-commit
    sys.stdout.write(json.dumps(out) + "\n")


def run_mode(odoo_settings, mode, db, runs):
    cmd = [
        odoo_settings.python,
        str(Path(__file__).resolve()),
        "--worker",
        mode,
        "--db",
        db,
        "--runs",
        str(runs),
    ]
    return run_worker(cmd, f"the {mode} step")


# The data -------------------------------------------------------------------------


def load(odoo_settings, args, db, made):
    """The customers, invoices, samples, surveys and complaints, in SQL; prints
    the seconds of each step."""
    conn = odoo_settings.connect(db)
    try:
        with conn.cursor() as cr:
            params = ledger(odoo_settings, args, db, cr)
            for table in ("lab_sample", "lab_survey", "lab_complaint"):
                params[f"{table[4:]}_base"] = one(
                    cr,
                    sql.SQL("SELECT COALESCE(MAX(id), 0) FROM {}").format(
                        sql.Identifier(table)
                    ),
                )
            params.update(
                lines=args.invoice_lines,
                samples=args.samples,
                surveys=args.surveys,
                complaints=args.complaints,
                products=made["products"],
                managers=made["managers"],
                categories=made["categories"],
            )
            cr.execute("SET maintenance_work_mem = '256MB'")
            cr.execute("SET work_mem = '64MB'")
            cr.execute("SELECT setseed(0.42)")
            steps = [
                ("staging the customers", CUSTOMER_STAGE_SQL),
                ("staging the invoices", INVOICE_STAGE_SQL),
                ("staging the invoice lines", LINE_STAGE_SQL),
                ("customers", PARTNER_SQL),
                ("invoices and credit notes", INVOICE_MOVE_SQL),
                ("invoice lines", INVOICE_LINE_SQL),
                ("samples", SAMPLE_SQL),
                ("surveys", SURVEY_SQL),
                ("complaints", COMPLAINT_SQL),
            ]
            bulk_load(
                cr,
                steps,
                params,
                BULK_TABLES,
                ["bench_line", "bench_invoice", "bench_customer"],
            )
            cr.execute(
                """SELECT (SELECT COUNT(*) FROM res_partner WHERE is_company),
                          (SELECT COUNT(*) FROM account_move
                            WHERE move_type IN ('out_invoice', 'out_refund')),
                          (SELECT COUNT(*) FROM account_move_line
                            WHERE display_type = 'product'),
                          (SELECT COUNT(*) FROM lab_sample),
                          pg_size_pretty(pg_database_size(current_database()))"""
            )
            companies, moves, lines, samples, size = cr.fetchone()
            say(
                f"  loaded: {companies} companies, {moves} invoices and credit notes,"
                f" {lines} product lines, {samples} samples; database {size}"
            )
            return params
    finally:
        conn.close()


# Measures and report ---------------------------------------------------------------


# The settings each statement of the lower bound is timed with: PostgreSQL's JIT
# on (the server's default), off, and off with no index scans (the planner may
# choose an index scan that reads the table in the index's order, several times
# slower than reading it through on a big table).
LOWER_BOUND_MODES = {
    "JIT on": ("on", False),
    "JIT off": ("off", False),
    "JIT off, no index scan": ("off", True),
}
INDEX_SCANS = ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan")


def measure_lower_bound(odoo_settings, db, company, runs):
    """Each statement of the lower bound in each of LOWER_BOUND_MODES (the first
    run of the first mode is the cold one); the sum of each mode, and the sum of
    each statement's fastest mode: the lower bound."""
    measures = {}
    conn = odoo_settings.connect(db)
    try:
        for mode, (jit, sequential) in LOWER_BOUND_MODES.items():
            with conn.cursor() as cr:
                for setting in INDEX_SCANS:
                    cr.execute(
                        sql.SQL("SET {} = {}").format(
                            sql.Identifier(setting),
                            sql.Literal("off" if sequential else "on"),
                        )
                    )
            for label, query in LOWER_BOUNDS.items():
                label = f"{label}, {mode}"
                say(f"timing the lower bound: {label}")
                measures[label] = sql_measure(
                    conn,
                    sql.SQL(query).format(company=sql.Literal(company)),
                    runs,
                    jit,
                )
    finally:
        conn.close()
    for mode in LOWER_BOUND_MODES:
        parts = [measures[f"{label}, {mode}"] for label in LOWER_BOUNDS]
        server = [part["server"] for part in parts]
        measures[f"sum, {mode}"] = {
            "seconds": {
                "first": sum(part["seconds"]["first"] for part in parts),
                "warm": [
                    sum(values)
                    for values in zip(
                        *(part["seconds"]["warm"] for part in parts), strict=True
                    )
                ],
            },
            "rows": sum(part["rows"] for part in parts),
            "server": sum(server) if None not in server else None,
        }
    fastest = [
        min(
            (measures[f"{label}, {mode}"] for mode in LOWER_BOUND_MODES),
            key=median,
        )
        for label in LOWER_BOUNDS
    ]
    measures["sum, fastest mode of each"] = {
        "seconds": {
            "first": sum(part["seconds"]["first"] for part in fastest),
            "warm": [sum(median(part) for part in fastest)],
        },
        "rows": sum(part["rows"] for part in fastest),
        "server": None,
    }
    return measures


def measure_write_floor(odoo_settings, db, runs):
    """The bare write of one run: the last run's rows copied back (COPY, as
    _insert does) into lab_segment_snapshot, with the foreign keys and indexes
    Odoo gives it, and into a table of the same columns and indexes without any
    foreign key; each in a transaction rolled back. Median of runs + 1."""
    conn = odoo_settings.connect(db)
    conn.autocommit = False  # every COPY below is rolled back
    try:
        with conn.cursor() as cr:
            cr.execute(
                """SELECT column_name FROM information_schema.columns
                    WHERE table_name = 'lab_segment_snapshot' AND column_name <> 'id'
                 ORDER BY ordinal_position"""
            )
            columns = sql.SQL(", ").join(sql.Identifier(c) for (c,) in cr.fetchall())
            rows = io.StringIO()
            cr.copy_expert(
                sql.SQL(
                    """COPY (SELECT {} FROM lab_segment_snapshot
                              WHERE date = (SELECT MAX(date) FROM lab_segment_snapshot))
                       TO STDOUT"""
                ).format(columns),
                rows,
            )
        conn.rollback()
        count = rows.getvalue().count("\n")
        floor = {"rows": count}
        for label, table in (
            ("with Odoo's keys", "lab_segment_snapshot"),
            ("without foreign keys", "bench_snapshot_copy"),
        ):
            seconds = []
            for _ in range(runs + 1):
                with conn.cursor() as cr:
                    if table != "lab_segment_snapshot":
                        cr.execute(
                            "CREATE TABLE bench_snapshot_copy (LIKE"
                            " lab_segment_snapshot INCLUDING DEFAULTS INCLUDING"
                            " INDEXES)"
                        )
                    rows.seek(0)
                    start = time.perf_counter()
                    cr.copy_expert(
                        sql.SQL("COPY {} ({}) FROM STDIN").format(
                            sql.Identifier(table), columns
                        ),
                        rows,
                    )
                    seconds.append(time.perf_counter() - start)
                conn.rollback()
            floor[label] = statistics.median(seconds)
    finally:
        conn.close()
    return floor


def verdict(met):
    return "met" if met else "MISSED"


def report(args, lower, orm, load_seconds, floor):
    # The lower bound: each statement in its fastest mode.
    base = median(lower["sum, fastest mode of each"])
    first, *steady_runs = orm["runs"]
    steady = statistics.median(run["seconds"] for run in steady_runs or [first])
    say()
    say(
        f"{args.customers} customers, {args.invoices} invoices and credit notes"
        f" ({args.invoice_lines} product lines), {args.samples} samples,"
        f" {args.surveys} surveys, {args.complaints} complaints; loaded in"
        f" {load_seconds:.0f} s"
    )
    say(
        f"seconds: first run (cold buffers) and median of {args.runs} warm"
        " (steady-state) runs"
    )
    header = f"{'':60} {'rows':>8} {'first':>8} {'warm':>8} {'server':>8} {'/LB':>6}"
    say(header)
    say("-" * len(header))
    for label, measure in lower.items():
        server = measure.get("server")
        say(
            f"{'LB: ' + label:60} {measure['rows']:>8}"
            f" {measure['seconds']['first']:>8.2f} {median(measure):>8.2f}"
            f" {(f'{server:.2f}' if server is not None else '-'):>8}"
            f" {median(measure) / base:>6.2f}"
        )
    say(
        f"{'lab_crm _recompute(), ORM':60} {first['rows']:>8} {first['seconds']:>8.2f}"
        f" {steady:>8.2f} {'-':>8} {steady / base:>6.2f}"
    )
    say("(server: EXPLAIN ANALYZE's execution time, without sending the rows)")
    say()
    labels = [*STEPS, "flush", "commit", "other"]
    names = {"flush": "env.flush_all()", "commit": "commit, e-mails sent"}
    runs = [("first", first)] + (
        [(f"steady {len(steady_runs)}", steady_runs[-1])] if steady_runs else []
    )
    say("breakdown of _recompute (seconds):")
    say(f"  {'':22}" + "".join(f" {name:>10}" for name, _run in runs))
    for label in labels:
        say(
            f"  {names.get(label, label):22}"
            + "".join(f" {run['steps'].get(label, 0.0):>10.2f}" for _name, run in runs)
        )
    say(f"  {'total':22}" + "".join(f" {run['seconds']:>10.2f}" for _n, run in runs))
    say(
        f"  {'snapshot rows written':22}"
        + "".join(f" {run['rows']:>10}" for _n, run in runs)
    )
    say(
        f"  {'activities created':22}"
        + "".join(f" {run['activities']:>10}" for _n, run in runs)
    )
    say(
        f"  {'assignment e-mails':22}"
        + "".join(f" {run['mails']:>10}" for _n, run in runs)
    )
    say(
        "  (commit: with its post-commit hooks, which send the activities'"
        " assignment e-mails; engine.run runs in a thread while"
        " _categories_bought reads: the time they overlap is counted twice, and"
        " taken off other; other: the rows' columns, the delete of today's rows,"
        " the settings)"
    )
    say(f"churn levels of the last run: {orm['churn_levels']}")
    say(f"lifecycle stages of the companies: {orm['lifecycle']}")
    say()
    keyed, bare = floor["with Odoo's keys"], floor["without foreign keys"]
    # The floor of a run: what it must read (the lower bound) plus what it must
    # write (its rows, with Odoo's keys), both measured in this run.
    least = base + keyed
    ratio = steady / least
    first_ratio = first["seconds"] / steady
    worst = max(run["seconds"] for run in orm["runs"])
    say(
        f"headline  steady-state recompute / floor (read + write): {steady:.2f} /"
        f" ({base:.2f} + {keyed:.2f}) = {ratio:.2f} (target <= {TARGET_RATIO:g}:"
        f" {verdict(ratio <= TARGET_RATIO)})"
    )
    say(
        f"          first run / steady run: {first['seconds']:.2f} / {steady:.2f}"
        f" = {first_ratio:.2f} (target <= {TARGET_FIRST:g}:"
        f" {verdict(first_ratio <= TARGET_FIRST)})"
    )
    say(f"          steady-state recompute / lower bound: {steady / base:.2f}")
    say(
        f"          full recompute: first run {first['seconds']:.1f} s, steady"
        f" {steady:.1f} s (target <= {TARGET_SECONDS:g} s, the slowest run:"
        f" {verdict(worst <= TARGET_SECONDS)})"
    )
    say(
        f"          peak memory of the worker: {orm['peak_mib']:.0f} MiB, after"
        f" loading the registry {orm['loaded_mib']:.0f} MiB (target <"
        f" {TARGET_MIB / 1024:g} GiB: {verdict(orm['peak_mib'] < TARGET_MIB)})"
    )
    say(f"          peak memory of this process: {peak_mib():.0f} MiB")
    say(
        f"write floor: COPY of the {floor['rows']} rows of one run, {keyed:.2f} s"
        f" with Odoo's keys ({keyed / base:.2f} x LB), {bare:.2f} s without foreign"
        f" keys ({bare / base:.2f} x LB); reading and writing alone, with no"
        f" computing: {(base + keyed) / base:.2f} x LB with the keys,"
        f" {(base + bare) / base:.2f} x LB without"
    )
    if args.explain:
        for label, measure in lower.items():
            if "plan" in measure:
                say(
                    f"\nEXPLAIN ANALYZE of the lower bound, {label}:\n{measure['plan']}"
                )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoice-lines", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=2, help="warm runs of each")
    parser.add_argument("--template", help="a database with lab_crm installed")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--explain", action="store_true", help="print the plans")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    args.today = date.today()
    args.invoices = max(args.invoice_lines * 33 // 100, 1)
    args.surveys = max(args.customers // 25, 10)
    args.complaints = max(args.customers // 100, 5)

    odoo_settings = Settings.from_env()
    prefix = os.environ.get("LAB_CRM_DB_PREFIX") or f"lab_crm_bench{os.getpid()}"
    db = f"{prefix}_segments"
    started = time.perf_counter()
    try:
        make_db(odoo_settings, args, db)
        say("creating the products and account managers through the ORM")
        made = run_mode(odoo_settings, "setup", db, 0)
        if made["today"] != str(args.today):
            say(f"warning: Odoo's today {made['today']} is not {args.today}")
        say(
            f"loading {args.customers} customers, {args.invoices} invoices"
            f" ({args.invoice_lines} lines) and {args.samples} samples over the"
            f" {MONTHS} months before {args.today}"
        )
        start = time.perf_counter()
        params = load(odoo_settings, args, db, made)
        load_seconds = time.perf_counter() - start
        lower = measure_lower_bound(odoo_settings, db, params["company"], args.runs)
        say(f"timing _recompute() through the ORM: a first run and {args.runs} more")
        orm = run_mode(odoo_settings, "recompute", db, args.runs)
        say("timing the bare write of one run's rows")
        floor = measure_write_floor(odoo_settings, db, args.runs)
        report(args, lower, orm, load_seconds, floor)
    finally:
        if args.keep:
            say(f"kept the database {db}")
        else:
            odoo_settings.drop_db(db)
        say(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
