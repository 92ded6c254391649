"""Seconds for lab_crm's arrears figures of every customer, against the lower bound.

    "$LAB_CRM_VENV"/bin/python tests/bench_arrears.py [--customers 100000]
        [--invoices 1000000] [--runs 3] [--template DB] [--keep] [--explain]
        [--reuse DB]

Run it with Odoo's virtualenv python (PYTHON of scripts/common.sh), after
scripts/setup.sh. It makes a database of its own (named after LAB_CRM_DB_PREFIX,
dropped at the end unless --keep): a copy of --template when given (a database
with lab_crm installed), else a new one where odoo-bin installs lab_crm (about a
minute); a generic chart of accounts is loaded when the company has none. Then,
directly in SQL, it adds the customers (companies) and their posted customer
invoices over the 30 months before today: one balanced move each (a receivable
line and a revenue line), about 60% fully paid and 10% partly paid by a bank
move (a receivable line and a bank line) reconciled with the invoice by an
account.partial.reconcile, half of the payments late, the invoice's
receivable line carrying its payment date (lab_paid_date) as the ORM would
set it; then VACUUM ANALYZE. (No account.full.reconcile rows: nothing timed
here reads them.)

Timed, each once cold (the first run after the load: PostgreSQL's buffers are
cold, the OS page cache is not dropped) and then --runs times warm (median), on
the same rows (the posted receivable journal items of the company):
  1. the lower bound: the bare SQL sum of the residuals of those items by
     customer; and a second one that also joins their partial reconciliations,
     which the days late read;
  2. lab_crm: the SQL of lab.arrears.customer alone (fetched by psycopg2, and
     its EXPLAIN ANALYZE), and all its figures through the ORM
     (search_fetch in a separate process using Odoo as a library);
  3. Odoo: res.partner's `credit` (account's _credit_debit_get) of every
     company partner through the ORM, in batches of the prefetch size.
It prints a table, the ratios (the headline: lab_crm through the ORM against the
first lower bound, the issue's target being at most 1.5) and the peak memory of
each Python process. Not collected by pytest (not test_*.py).
"""

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from odoo_e2e import Settings, open_registry, run_worker
from psycopg2 import sql

TARGET_RATIO = 1.5
MONTHS = 30
DAYS = 913  # 30 months
TERMS = "ARRAY[0, 15, 30, 30, 45, 60]"  # payment terms, days after the invoice
BULK_TABLES = [
    "res_partner",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
]

# The same rows for every query timed: posted receivable items of the company.
LOWER_BOUND_SQL = """
    SELECT partner.commercial_partner_id, aml.company_id, SUM(aml.amount_residual)
      FROM account_move_line aml
      JOIN account_account account ON account.id = aml.account_id
      JOIN res_partner partner ON partner.id = aml.partner_id
     WHERE aml.parent_state = 'posted'
       AND account.account_type = 'asset_receivable'
  GROUP BY 1, 2
"""
LOWER_BOUND_PARTIAL_SQL = """
    SELECT partner.commercial_partner_id, aml.company_id, SUM(aml.amount_residual),
           COUNT(part.id), MAX(part.max_date)
      FROM account_move_line aml
      JOIN account_account account ON account.id = aml.account_id
      JOIN res_partner partner ON partner.id = aml.partner_id
 LEFT JOIN account_partial_reconcile part
        ON part.debit_move_id = aml.id AND aml.reconciled
     WHERE aml.parent_state = 'posted'
       AND account.account_type = 'asset_receivable'
  GROUP BY 1, 2
"""

# One row per invoice: its customer, dates, amount and how (when) it is paid.
# Customers are skewed: the first 1% get about 10% of the invoices.
STAGE_SQL = f"""
    CREATE UNLOGGED TABLE bench_invoice AS
    WITH draw AS (
        SELECT i, random() AS r_partner, random() AS r_age, random() AS r_term,
               random() AS r_amount, random() AS r_status, random() AS r_delay,
               random() AS r_part
          FROM generate_series(1, %(invoices)s) AS i
    ), invoice AS (
        SELECT i,
               %(partner_base)s + 1 + LEAST(
                   floor(%(customers)s * r_partner * r_partner)::int,
                   %(customers)s - 1) AS partner_id,
               %(today)s::date - floor(r_age * {DAYS})::int AS invoice_date,
               ({TERMS})[1 + floor(r_term * 6)::int] AS term,
               round((50 + 9950 * r_amount)::numeric, 2) AS amount,
               CASE WHEN r_status < 0.6 THEN 'paid'
                    WHEN r_status < 0.7 THEN 'partial'
                    ELSE 'open' END AS status,
               r_delay, r_part
          FROM draw
    )
    SELECT i, partner_id, invoice_date, invoice_date + term AS date_due, amount,
           status,
           CASE status WHEN 'paid' THEN amount
                       WHEN 'partial'
                           THEN round(amount * (0.1 + 0.8 * r_part)::numeric, 2)
                       ELSE 0 END AS paid,
           CASE WHEN status <> 'open' THEN
               LEAST(%(today)s::date, GREATEST(invoice_date, invoice_date + term
                   + CASE WHEN r_delay < 0.5 THEN -floor(r_delay * 20)::int
                          ELSE 1 + floor((r_delay - 0.5) * 240)::int END))
           END AS pay_date
      FROM invoice
"""

PARTNER_SQL = """
    INSERT INTO res_partner (
        id, name, complete_name, type, is_company, active, commercial_partner_id,
        lang, customer_rank, supplier_rank, autopost_bills, partner_share, employee,
        color, message_bounce, create_uid, write_uid, create_date, write_date)
    SELECT %(partner_base)s + k, 'Bench Customer ' || lpad(k::text, 6, '0'),
           'Bench Customer ' || lpad(k::text, 6, '0'), 'contact', TRUE, TRUE,
           %(partner_base)s + k, 'en_US', 1, 0, 'ask', TRUE, FALSE, 0, 0, 1, 1,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM generate_series(1, %(customers)s) AS k
"""

MOVE_COLUMNS = """
    id, name, sequence_prefix, sequence_number, journal_id, company_id, currency_id,
    partner_id, commercial_partner_id, state, move_type, auto_post, date,
    invoice_date, invoice_date_due, amount_untaxed, amount_tax, amount_total,
    amount_residual, amount_untaxed_signed, amount_untaxed_in_currency_signed,
    amount_tax_signed, amount_total_signed, amount_total_in_currency_signed,
    amount_residual_signed, payment_state, invoice_currency_rate,
    always_tax_exigible, checked, posted_before, made_sequence_gap, is_move_sent,
    create_uid, write_uid, create_date, write_date
"""
INVOICE_MOVE_SQL = f"""
    INSERT INTO account_move ({MOVE_COLUMNS})
    SELECT %(move_base)s + i, 'INV/BENCH/' || lpad(i::text, 7, '0'), 'INV/BENCH/', i,
           %(sale_journal)s, %(company)s, %(currency)s, partner_id, partner_id,
           'posted', 'out_invoice', 'no', invoice_date, invoice_date, date_due,
           amount, 0, amount, amount - paid, amount, amount, 0, amount, amount,
           amount - paid,
           CASE status WHEN 'paid' THEN 'paid' WHEN 'partial' THEN 'partial'
                       ELSE 'not_paid' END,
           1, FALSE, TRUE, TRUE, FALSE, TRUE, 1, 1,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM bench_invoice
"""
PAYMENT_MOVE_SQL = f"""
    INSERT INTO account_move ({MOVE_COLUMNS})
    SELECT %(move_base)s + %(invoices)s + i, 'BNK/BENCH/' || lpad(i::text, 7, '0'),
           'BNK/BENCH/', i, %(bank_journal)s, %(company)s, %(currency)s, partner_id,
           partner_id, 'posted', 'entry', 'no', pay_date, NULL, NULL,
           0, 0, paid, 0, 0, 0, 0, paid, paid, 0, 'not_paid',
           1, TRUE, TRUE, TRUE, FALSE, FALSE, 1, 1,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM bench_invoice
     WHERE status <> 'open'
"""

LINE_COLUMNS = """
    id, move_id, move_name, journal_id, company_id, company_currency_id, currency_id,
    partner_id, account_id, display_type, sequence, name, parent_state, date,
    invoice_date, date_maturity, debit, credit, balance, amount_currency,
    amount_residual, amount_residual_currency, reconciled, matching_number,
    quantity, price_unit, price_subtotal, price_total, tax_base_amount,
    lab_paid_date, create_uid, write_uid, create_date, write_date
"""
# An invoice: its receivable (payment term) line and its revenue line.
INVOICE_LINE_SQL = f"""
    INSERT INTO account_move_line ({LINE_COLUMNS})
    SELECT %(line_base)s + 4 * i - line.k, %(move_base)s + i,
           'INV/BENCH/' || lpad(i::text, 7, '0'), %(sale_journal)s, %(company)s,
           %(currency)s, %(currency)s, partner_id, line.account_id,
           line.display_type, line.k, 'INV/BENCH/' || lpad(i::text, 7, '0'),
           'posted', invoice_date, invoice_date, line.date_maturity,
           line.debit, line.credit, line.debit - line.credit,
           line.debit - line.credit, line.residual, line.residual,
           line.reconciled, line.matching_number,
           line.quantity, line.price, line.price, line.price, 0, line.paid_date,
           1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM bench_invoice
     CROSS JOIN LATERAL (VALUES
        (3, %(receivable)s, 'payment_term', date_due, amount, 0::numeric,
         amount - paid, status = 'paid',
         CASE WHEN status <> 'open' THEN 'P' || (%(part_base)s + i) END,
         NULL::numeric, NULL::numeric,
         CASE WHEN status = 'paid' THEN pay_date END),
        (2, %(income)s, 'product', NULL::date, 0::numeric, amount,
         0::numeric, FALSE, NULL, 1::numeric, amount, NULL::date)
     ) AS line (k, account_id, display_type, date_maturity, debit, credit,
                residual, reconciled, matching_number, quantity, price,
                paid_date)
  ORDER BY 1
"""
# A payment: its receivable line (fully reconciled) and its bank line.
PAYMENT_LINE_SQL = f"""
    INSERT INTO account_move_line ({LINE_COLUMNS})
    SELECT %(line_base)s + 4 * i - line.k, %(move_base)s + %(invoices)s + i,
           'BNK/BENCH/' || lpad(i::text, 7, '0'), %(bank_journal)s, %(company)s,
           %(currency)s, %(currency)s, partner_id, line.account_id, 'product',
           line.k, 'Payment of INV/BENCH/' || lpad(i::text, 7, '0'), 'posted',
           pay_date, NULL, pay_date, line.debit, line.credit,
           line.debit - line.credit, line.debit - line.credit, 0, 0,
           line.reconciled, line.matching_number,
           NULL, NULL, NULL, NULL, 0, NULL, 1, 1,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM bench_invoice
     CROSS JOIN LATERAL (VALUES
        (1, %(receivable)s, 0::numeric, paid, TRUE, 'P' || (%(part_base)s + i)),
        (0, %(bank)s, paid, 0::numeric, FALSE, NULL)
     ) AS line (k, account_id, debit, credit, reconciled, matching_number)
     WHERE status <> 'open'
  ORDER BY 1
"""
PARTIAL_SQL = """
    INSERT INTO account_partial_reconcile (
        id, debit_move_id, credit_move_id, debit_currency_id, credit_currency_id,
        company_id, max_date, amount, debit_amount_currency, credit_amount_currency,
        create_uid, write_uid, create_date, write_date)
    SELECT %(part_base)s + i, %(line_base)s + 4 * i - 3, %(line_base)s + 4 * i - 1,
           %(currency)s, %(currency)s, %(company)s, pay_date, paid, paid, paid, 1, 1,
           now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM bench_invoice
     WHERE status <> 'open'
"""

LOAD_CHART = """
env["account.chart.template"].try_loading(
    "generic_coa", env.company, install_demo=False
)
env.cr.commit()
"""


def say(message=""):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def peak_mib(who=resource.RUSAGE_SELF):
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def timed(function, runs):
    """The seconds of a first (cold) call, then of `runs` warm calls."""
    seconds = []
    result = None
    for _run in range(runs + 1):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return {"first": seconds[0], "warm": seconds[1:]}, result


# The measures through the ORM, each in a process of its own ---------------------


def worker(args):
    """Runs one ORM measure in this process and writes its result as JSON."""
    registry = open_registry(args.db)
    from odoo import api, fields  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        out = {"today": str(fields.Date.context_today(env.user))}
        Arrears = env["lab.arrears.customer"]
        figures = [
            name
            for name, field in Arrears._fields.items()
            if field.store and name != "id"
        ]
        out["loaded_mib"] = peak_mib()
        if args.worker == "sql":
            query = Arrears._table_query
            out["sql"] = cr.mogrify(query.code, query.params).decode()
        elif args.worker == "lab":

            def fetch():
                env.invalidate_all()
                return Arrears.search_fetch([], figures)

            out["seconds"], rows = timed(fetch, args.runs)
            out["fields"] = figures
            out["rows"] = len(rows)
            out["amount_open"] = float(sum(rows.mapped("amount_open")))
        elif args.worker == "credit":
            partners = env["res.partner"].search([("is_company", "=", True)])

            def read_credit():
                env.invalidate_all()
                return partners.mapped("credit")

            out["seconds"], credits = timed(read_credit, args.runs)
            out["rows"] = len(partners)
            out["amount_open"] = float(sum(credits))
        out["peak_mib"] = peak_mib()
        cr.rollback()
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
    return run_worker(cmd, f"the {mode} measure")


# The database --------------------------------------------------------------------


def make_db(odoo_settings, args, db):
    if args.template:
        say(f"copying {args.template} to {db}")
        odoo_settings.copy_db(args.template, db)
        return
    say(f"building {db}: odoo-bin -i lab_crm on a new database")
    build = odoo_settings.odoo("-d", db, "-i", "lab_crm", "--stop-after-init")
    if build.returncode:
        sys.exit(f"building {db} failed\n{build.report()}")
    say(f"  built in {build.seconds:.1f} s")


def one(cr, query, params=None):
    cr.execute(query, params)
    row = cr.fetchone()
    return row[0] if row else None


def ledger(odoo_settings, args, db, cr):
    """The company, its currency, journals and accounts the invoices use; loads a
    chart of accounts first when the company has none."""
    company = one(cr, "SELECT company_id FROM res_users WHERE id = 1")
    receivable_query = """
        SELECT json_value::int FROM ir_default d
          JOIN ir_model_fields f ON f.id = d.field_id
         WHERE f.model = 'res.partner'
           AND f.name = 'property_account_receivable_id'
           AND d.company_id = %s
    """
    receivable = one(cr, receivable_query, [company])
    if not receivable:
        say("  no receivable account: loading the generic chart of accounts")
        proc = subprocess.run(
            [
                odoo_settings.python,
                str(odoo_settings.odoo_src / "odoo-bin"),
                "shell",
                "-c",
                str(odoo_settings.odoo_conf),
                "-d",
                db,
                "--no-http",
            ],
            input=LOAD_CHART,
            capture_output=True,
            text=True,
            check=False,
        )
        receivable = one(cr, receivable_query, [company])
        if proc.returncode or not receivable:
            sys.exit(f"loading a chart of accounts failed\n{proc.stdout}{proc.stderr}")
    journal_query = """
        SELECT id, default_account_id FROM account_journal
         WHERE company_id = %s AND type = %s AND active
      ORDER BY sequence, id LIMIT 1
    """
    cr.execute(journal_query, [company, "sale"])
    sale_journal, income = cr.fetchone()
    cr.execute(journal_query, [company, "bank"])
    bank_journal, bank = cr.fetchone()
    return {
        "company": company,
        "currency": one(
            cr, "SELECT currency_id FROM res_company WHERE id = %s", [company]
        ),
        "receivable": receivable,
        "income": income,
        "sale_journal": sale_journal,
        "bank_journal": bank_journal,
        "bank": bank,
        "today": args.today,
        "customers": args.customers,
        "invoices": args.invoices,
        "partner_base": one(cr, "SELECT COALESCE(MAX(id), 0) FROM res_partner"),
        "move_base": one(cr, "SELECT COALESCE(MAX(id), 0) FROM account_move"),
        "line_base": one(cr, "SELECT COALESCE(MAX(id), 0) FROM account_move_line"),
        "part_base": one(
            cr, "SELECT COALESCE(MAX(id), 0) FROM account_partial_reconcile"
        ),
    }


def drop_indexes(cr, tables):
    """Drops the plain indexes of the tables loaded (cheaper to rebuild after
    the load than to update row by row) and returns their definitions; keeps
    the primary keys, unique indexes and indexes of constraints."""
    cr.execute(
        """
        SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
          FROM pg_index index
         WHERE index.indrelid = ANY(%s::regclass[])
           AND NOT index.indisunique
           AND NOT EXISTS (SELECT 1 FROM pg_constraint
                            WHERE conindid = index.indexrelid)
        """,
        [tables],
    )
    indexes = cr.fetchall()
    for name, _definition in indexes:
        cr.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    return [definition for _name, definition in indexes]


def drop_foreign_keys(cr, tables):
    """Drops the foreign keys of the tables loaded (one join to check each when
    added back, instead of a lookup and a row lock per row and key) and returns
    them (table, name, definition)."""
    cr.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
          FROM pg_constraint
         WHERE conrelid = ANY(%s::regclass[]) AND contype = 'f'
        """,
        [tables],
    )
    foreign_keys = cr.fetchall()
    for table, name, _definition in foreign_keys:
        cr.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                sql.Identifier(table), sql.Identifier(name)
            )
        )
    return foreign_keys


def bulk_load(cr, steps, params, tables, staging):
    """Runs the (label, SQL) ``steps`` with the plain indexes and the foreign keys
    of ``tables`` dropped, then drops the ``staging`` tables, rebuilds the indexes,
    adds the foreign keys back (checked), moves the id sequences past the rows
    added and runs VACUUM ANALYZE; prints the seconds of each part."""
    indexes = drop_indexes(cr, tables)
    foreign_keys = drop_foreign_keys(cr, tables)
    for what, query in steps:
        start = time.perf_counter()
        cr.execute(query, params)
        say(f"  {what}: {cr.rowcount} rows, {time.perf_counter() - start:.1f} s")
    cr.execute(
        sql.SQL("DROP TABLE {}").format(
            sql.SQL(", ").join(sql.Identifier(table) for table in staging)
        )
    )
    start = time.perf_counter()
    for definition in indexes:
        cr.execute(definition)
    say(f"  {len(indexes)} indexes rebuilt: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    for table, name, definition in foreign_keys:
        cr.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                sql.Identifier(table), sql.Identifier(name), sql.SQL(definition)
            )
        )
    say(
        f"  {len(foreign_keys)} foreign keys added back (and checked):"
        f" {time.perf_counter() - start:.1f} s"
    )
    for table in tables:
        cr.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), MAX(id)) FROM {}"
            ).format(sql.Identifier(table)),
            [table],
        )
    start = time.perf_counter()
    for table in tables:
        cr.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    say(f"  VACUUM ANALYZE: {time.perf_counter() - start:.1f} s")


def load(odoo_settings, args, db):
    """The customers and invoices, in SQL; prints the seconds of each step."""
    conn = odoo_settings.connect(db)
    try:
        with conn.cursor() as cr:
            params = ledger(odoo_settings, args, db, cr)
            cr.execute("SET maintenance_work_mem = '256MB'")
            cr.execute("SELECT setseed(0.42)")
            steps = [
                ("staging the invoices", STAGE_SQL),
                ("customers", PARTNER_SQL),
                ("invoice moves", INVOICE_MOVE_SQL),
                ("payment moves", PAYMENT_MOVE_SQL),
                ("invoice lines", INVOICE_LINE_SQL),
                ("payment lines", PAYMENT_LINE_SQL),
                ("partial reconciliations", PARTIAL_SQL),
            ]
            bulk_load(cr, steps, params, BULK_TABLES, ["bench_invoice"])
            cr.execute(
                """SELECT COUNT(*), pg_size_pretty(pg_total_relation_size(
                          'account_move_line')) FROM account_move_line"""
            )
            lines, size = cr.fetchone()
            say(f"  account_move_line: {lines} rows, {size} with its indexes")
            return params
    finally:
        conn.close()


# The SQL timings -----------------------------------------------------------------


def sql_measure(conn, query, runs, jit="on"):
    with conn.cursor() as cr:
        cr.execute("SELECT set_config('jit', %s, false)", [jit])

        def fetch():
            cr.execute(query)
            return cr.fetchall()

        seconds, rows = timed(fetch, runs)
        cr.execute(sql.Composed([sql.SQL("EXPLAIN (ANALYZE, BUFFERS) "), query]))
        plan = "\n".join(row[0] for row in cr.fetchall())
    found = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    return {
        "seconds": seconds,
        "rows": len(rows),
        "server": float(found.group(1)) / 1000 if found else None,
        "plan": plan,
    }


def median(measure):
    return statistics.median(
        measure["seconds"]["warm"] or [measure["seconds"]["first"]]
    )


def report(measures, args):
    # The lower bound: the faster of the bare aggregate with PostgreSQL's JIT on
    # (the server's default) and off (as lab_crm sets it for its query).
    base = min(
        median(measures["lower bound"]), median(measures["lower bound, JIT off"])
    )
    say()
    say(
        f"{args.customers} customers, {args.invoices} invoices; seconds: first run"
        f" (cold buffers) and median of {args.runs} warm runs"
    )
    header = f"{'':44} {'rows':>8} {'first':>8} {'warm':>8} {'server':>8} {'/LB':>6}"
    say(header)
    say("-" * len(header))
    for label, measure in measures.items():
        server = measure.get("server")
        say(
            f"{label:44} {measure['rows']:>8} {measure['seconds']['first']:>8.2f}"
            f" {median(measure):>8.2f}"
            f" {(f'{server:.2f}' if server is not None else '-'):>8}"
            f" {median(measure) / base:>6.2f}"
        )
    say("(server: EXPLAIN ANALYZE's execution time, without sending the rows)")
    lab = median(measures["lab_crm, ORM search_fetch"])
    ratio = lab / base
    say()
    say(
        f"headline  lab_crm (ORM) / lower bound: {ratio:.2f}"
        f" (target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'})"
    )
    say(
        "          lab_crm (ORM) / lower bound with partials:"
        f" {lab / median(measures['lower bound + partial reconciles']):.2f}"
    )
    say(
        "          lab_crm (view SQL) / lower bound:"
        f" {median(measures['lab_crm view, SQL (JIT off)']) / base:.2f}"
    )
    say(
        "          lab_crm (ORM) / Odoo credit (ORM):"
        f" {lab / median(measures['Odoo credit, ORM mapped']):.2f}"
    )
    say()
    say("peak memory (MiB; after loading the registry):")
    for label in ("lab_crm, ORM search_fetch", "Odoo credit, ORM mapped"):
        measure = measures[label]
        say(f"  {label:42} {measure['peak_mib']:>6.0f} ({measure['loaded_mib']:.0f})")
    say(f"  {'this process (psycopg2 fetches)':42} {peak_mib():>6.0f}")


def measure_all(odoo_settings, args, db):
    measures = {}
    sql_of = run_mode(odoo_settings, "sql", db, 0)
    if sql_of["today"] != str(args.today):
        say(f"warning: Odoo's today {sql_of['today']} is not {args.today}")
    view = sql.SQL(sql_of["sql"])
    lower_bound = sql.SQL(LOWER_BOUND_SQL)
    partial_bound = sql.SQL(LOWER_BOUND_PARTIAL_SQL)
    conn = odoo_settings.connect(db)
    try:
        view_query = sql.SQL("SELECT * FROM ({}) AS v").format(view)
        for label, query, jit in [
            ("lower bound", lower_bound, "on"),
            ("lower bound, JIT off", lower_bound, "off"),
            ("lower bound + partial reconciles", partial_bound, "off"),
            ("lab_crm view, SQL (JIT off)", view_query, "off"),
        ]:
            say(f"timing {label}")
            measures[label] = sql_measure(conn, query, args.runs, jit)
        totals = {}
        with conn.cursor() as cr:
            cr.execute(sql.SQL("SELECT SUM(amount_open) FROM ({}) AS v").format(view))
            totals["view"] = float(cr.fetchone()[0] or 0)
            cr.execute(sql.SQL("SELECT SUM(sum) FROM ({}) AS v").format(lower_bound))
            totals["lower bound"] = float(cr.fetchone()[0] or 0)
    finally:
        conn.close()
    say("timing lab_crm through the ORM")
    measures["lab_crm, ORM search_fetch"] = run_mode(
        odoo_settings, "lab", db, args.runs
    )
    say("timing Odoo's credit through the ORM")
    measures["Odoo credit, ORM mapped"] = run_mode(  # about 100 s a run: one warm
        odoo_settings, "credit", db, min(args.runs, 1)
    )
    totals["lab_crm ORM"] = measures["lab_crm, ORM search_fetch"]["amount_open"]
    totals["Odoo credit"] = measures["Odoo credit, ORM mapped"]["amount_open"]
    say(
        "open receivable in total: "
        + ", ".join(f"{name} {value:,.2f}" for name, value in totals.items())
    )
    if len({round(value, 2) for value in totals.values()}) > 1:
        say("warning: the totals differ")
    say(
        "fields fetched through the ORM: "
        + ", ".join(measures["lab_crm, ORM search_fetch"]["fields"])
    )
    if args.explain:
        for label in ("lower bound", "lab_crm view, SQL (JIT off)"):
            say(f"\nEXPLAIN ANALYZE of {label}:\n{measures[label]['plan']}")
    return measures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="warm runs of each")
    parser.add_argument("--template", help="a database with lab_crm installed")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", metavar="DB", help="time a database kept by --keep (no load)"
    )
    parser.add_argument("--explain", action="store_true", help="print the plans")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    args.today = date.today()

    odoo_settings = Settings.from_env()
    prefix = os.environ.get("LAB_CRM_DB_PREFIX") or f"lab_crm_bench{os.getpid()}"
    db = f"{prefix}_arrears"
    started = time.perf_counter()
    if args.reuse:
        report(measure_all(odoo_settings, args, args.reuse), args)
        say(f"total {time.perf_counter() - started:.0f} s")
        return
    try:
        make_db(odoo_settings, args, db)
        say(
            f"loading {args.customers} customers and {args.invoices} invoices"
            f" over the {MONTHS} months before {args.today}"
        )
        load(odoo_settings, args, db)
        report(measure_all(odoo_settings, args, db), args)
    finally:
        if args.keep:
            say(f"kept the database {db}")
        else:
            odoo_settings.drop_db(db)
        say(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
