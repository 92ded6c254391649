"""Latency of lab_crm's customer portal under concurrent portal users, against the
target: no 5xx, and the p95 of the portal's list pages under 500 ms.

    "$LAB_CRM_VENV"/bin/python tests/load_portal.py [--customers 20]
        [--samples 1000] [--users 20] [--duration 60] [--warmup 5] [--think 1.0]
        [--workers 4] [--template DB] [--keep] [--reuse DB]

Run it with Odoo's virtualenv python (PYTHON of scripts/common.sh), after
scripts/setup.sh, from tests/ (it imports odoo_e2e and bench_arrears). It makes a
database of its own (named after LAB_CRM_DB_PREFIX, dropped at the end unless
--keep): a copy of --template when given (a database with lab_crm installed; its
filestore is copied too), else a new one where odoo-bin installs lab_crm. --reuse
DB runs against a database that a --keep run left: no load, not dropped.

The data, through the ORM in a process using Odoo as a library (tracking_disable,
mail_create_nolog, mail_notrack: no chatter), so that the references come from the
company's sequence and every stored computed field (the promised date from the
working calendar, the on-time figures, the test items' copies of the sample) is
Odoo's own: 6 test items; --customers companies, each with a contact who is a
portal user (login load.portal.NNN, password PASSWORD below) and --samples
samples received over the two years before now, with one to three test items
each, created in batches of 500. Their state follows their age: received or in
review the last 2 days, testing up to 7 days, reported or delivered up to 12,
delivered beyond (2% cancelled); the reported and delivered ones have a report
number and dates. The ORM creates every sample received, then one SQL UPDATE moves
each to its state (lab_sample and its stored copy on lab_sample_line; nothing
else stored depends on it): walking the workflow through write() (review,
testing, reported, delivered) recomputes the promised date at each step and
checks each sample's credit hold, 3 times the cost of the creation (measured on
1,000 samples: 8.3 s against 2.7 s). Every delivered sample gets a small PDF
report (report_file, an attachment); each customer gets 5 complaints (new,
investigating, action, closed, rejected; 3 of them about a delivered sample), a
survey waiting for its answer (sent, link valid 30 days) and an answered one.
Then VACUUM ANALYZE. The seconds of each step are printed.

The load: odoo-bin in prefork mode (--workers, no cron thread, on 127.0.0.1, a free
port, --db-filter on the database, --limit-time-real=600). --users threads, each
with a requests session of its own, log in as the portal users (user i as customer
i modulo --customers) through the /web/login form with its CSRF token, all before
the clock starts. Then for --duration seconds each repeats a visit: /my,
/my/samples, a random page /my/samples/page/<n> of its samples (1 to 50 for
1,000), one of its samples /my/samples/<id>, /my/complaints, one of its
complaints, one visit in 3 the report of one of its delivered samples
(/my/samples/<id>/report, a PDF), /my/surveys; and one visit in 5 another
customer's sample or report, which must answer 404 (the isolation check; anything
else is an error, a 2xx a breach). The users do not arrive in step: each joins
its first visit at a random step. After each request the user thinks for a
uniform random time from 0.5 to 1.5 times --think: 1 s by default, as a customer
reads a page before the next click; --think 0 hammers the server (a stress figure,
not the target's). Redirects are not followed: a page that should answer 200 and
answers anything else is an error (a lost session answers 303 to /web/login).

It prints, per route and per group (list pages, detail pages, report download),
the count and the p50, p95 and max latency in ms (nearest rank, the whole response
read) of the requests started after --warmup seconds (the first renders compile
the templates in each worker); then, for the whole run (warm-up included), the
requests, requests/s, 5xx and other errors, the isolation checks, the problems in
the server's log and the transactions it retried after a concurrency error; and
the verdict. Exit status 0 when the target is met and the run had no other error
(no failed login, unexpected status, exception, isolation breach), else 1. The
users run on the same machine as Odoo and PostgreSQL: on a small machine they
take CPU from Odoo's workers. Not collected by pytest (not test_*.py).
"""

import argparse
import base64
import json
import math
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests
from bench_arrears import make_db, say
from odoo_e2e import OdooServer, Settings, open_registry, run_worker
from psycopg2 import sql

TARGET_P95_MS = 500.0
PASSWORD = "load-portal-2026"  # the portal users' (a throwaway database)
LOGIN_PREFIX = "load.portal."
REQUEST_TIMEOUT = 60  # seconds, each request
LOGIN_TIMEOUT = 300  # seconds, all the users logged in
SERVER_OPTIONS = ["--limit-time-real=600"]
SEED = 42
PAGE_SIZE = 20  # LabCustomerPortal._lab_items_per_page
REPORT_SHARE = 1 / 3  # visits that download a report
FOREIGN_SHARE = 1 / 5  # visits that try another customer's sample
RETRY_LOG = re.compile(r"tries left, try again in")
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')

# The data -------------------------------------------------------------------------

LOAD_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_create_nosubscribe": True,
    "no_reset_password": True,  # no invitation e-mail to the portal users
}
SAMPLE_BATCH = 500
REPORT_BATCH = 1000
SPAN_DAYS = 730  # the samples of a customer are received over 2 years
TEST_ITEMS = [  # name, standard, turnaround (working days), price
    ("Moisture", "GB 5009.3-2016", 3, 80.0),
    ("Heavy metals", "GB 5009.268-2016", 7, 600.0),
    ("Pesticide residues", "GB 23200.113-2018", 10, 900.0),
    ("Total bacterial count", "GB 4789.2-2022", 5, 150.0),
    ("Colour fastness to washing", "GB/T 3921-2008", 4, 120.0),
    ("pH", "GB/T 7573-2009", 2, 60.0),
]
SAMPLE_NAMES = [
    "Tap water",
    "Wheat flour",
    "Soil core",
    "Face cream",
    "Cotton fabric",
    "Apple juice",
    "Waste water",
    "Milk powder",
]
COMPLAINTS = [  # state, what that state needs
    ("new", {}),
    ("investigating", {}),
    ("action", {"root_cause": "The balance was not calibrated."}),
    (
        "closed",
        {
            "root_cause": "The report was sent to an old address.",
            "corrective_action": "Report sent again.",
            "preventive_action": "Contacts checked at reception.",
            "result_method": "email",
            "result_text": "Report sent again; the customer agreed.",
        },
    ),
    ("rejected", {"rejection_reason": "The sample was sent after its expiry date."}),
]
# A one-page PDF, enough for the portal's download (lab.sample checks "%PDF-").
REPORT_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n"
    b"%%EOF\n"
)


def sample_plan(rnd, count, now, today):
    """The values and the final state of ``count`` samples, oldest first."""
    for index in range(count):
        age = (count - 1 - index) * SPAN_DAYS / count + rnd.random()
        received = now - timedelta(days=age)
        if age >= 2 and rnd.random() < 0.02:
            state = "cancelled"
        elif age < 2:
            state = rnd.choice(["received", "review"])
        elif age < 7:
            state = "testing"
        elif age < 12:
            state = rnd.choice(["reported", "delivered"])
        else:
            state = "delivered"
        vals = {
            "received_datetime": received,
            "sample_name": rnd.choice(SAMPLE_NAMES),
            "batch": f"B{index + 1:05d}",
            "quantity": rnd.choice([0.5, 1.0, 2.0, 5.0]),
        }
        if state in ("reported", "delivered"):
            report_date = min(
                received.date() + timedelta(days=rnd.randint(3, 9)), today
            )
            vals.update(report_date=report_date)
            if state == "delivered":
                vals.update(
                    delivered_date=min(
                        report_date + timedelta(days=rnd.randint(0, 2)), today
                    )
                )
        yield index, vals, state


def load_customers(env, count):
    """The companies, their contacts and the contacts' portal users."""
    from odoo.fields import Command  # noqa: PLC0415

    admin = env.ref("base.user_admin")
    companies = env["res.partner"].create(
        [
            {
                "name": f"Load Customer {k:03d}",
                "is_company": True,
                "email": f"customer{k:03d}@load.example.com",
                "user_id": admin.id,
            }
            for k in range(1, count + 1)
        ]
    )
    contacts = env["res.partner"].create(
        [
            {
                "name": f"Load Contact {k:03d}",
                "parent_id": company.id,
                "email": f"contact{k:03d}@load.example.com",
            }
            for k, company in enumerate(companies, start=1)
        ]
    )
    portal = env.ref("base.group_portal")
    env["res.users"].create(
        [
            {
                "name": contact.name,
                "login": f"{LOGIN_PREFIX}{k:03d}",
                "password": PASSWORD,
                "partner_id": contact.id,
                "group_ids": [Command.set(portal.ids)],
            }
            for k, contact in enumerate(contacts, start=1)
        ]
    )
    return list(zip(companies, contacts, strict=True))


def load_samples(env, customers, count, rnd):
    """The samples, created received; returns the final states (id -> state)."""
    from odoo import fields  # noqa: PLC0415
    from odoo.fields import Command  # noqa: PLC0415

    items = env["product.product"].create(
        [
            {
                "name": f"Test: {name}",
                "type": "service",
                "is_lab_test_item": True,
                "lab_standard": standard,
                "lab_turnaround_days": days,
                "list_price": price,
            }
            for name, standard, days, price in TEST_ITEMS
        ]
    )
    admin = env.ref("base.user_admin")
    now = fields.Datetime.now()
    today = fields.Date.context_today(env.user)
    Sample = env["lab.sample"]
    states = {}
    for number, (company, contact) in enumerate(customers, start=1):
        plan = list(sample_plan(rnd, count, now, today))
        for start in range(0, count, SAMPLE_BATCH):
            batch = plan[start : start + SAMPLE_BATCH]
            vals_list = []
            for index, vals, _state in batch:
                vals_list.append(
                    {
                        **vals,
                        "partner_id": company.id,
                        "contact_id": contact.id,
                        "received_by_id": admin.id,
                        "line_ids": [
                            Command.create({"product_id": item.id})
                            for item in rnd.sample(list(items), rnd.randint(1, 3))
                        ],
                    }
                )
                if "report_date" in vals:
                    vals_list[-1]["report_number"] = f"LR{number:03d}-{index + 1:05d}"
            samples = Sample.create(vals_list)
            env.flush_all()
            states.update(
                zip(samples.ids, (state for _i, _v, state in batch), strict=True)
            )
        env.invalidate_all()
    return states


def move_states(env, states):
    """Each sample to its final state, in SQL (see the module's docstring)."""
    from odoo.tools import SQL  # noqa: PLC0415

    moved = {sample_id: s for sample_id, s in states.items() if s != "received"}
    env.cr.execute(
        SQL(
            """UPDATE lab_sample sample
                  SET state = target.state, write_date = now() AT TIME ZONE 'UTC'
                 FROM unnest(%s::int[], %s::varchar[]) AS target (id, state)
                WHERE sample.id = target.id""",
            list(moved),
            list(moved.values()),
        )
    )
    env.cr.execute(
        SQL(
            """UPDATE lab_sample_line line SET state = sample.state
                 FROM lab_sample sample
                WHERE sample.id = line.sample_id
                  AND line.state IS DISTINCT FROM sample.state"""
        )
    )
    env.invalidate_all()


def load_reports(env, states):
    """A PDF report on every delivered sample."""
    delivered = [sample_id for sample_id, s in states.items() if s == "delivered"]
    report = base64.b64encode(REPORT_PDF)
    for start in range(0, len(delivered), REPORT_BATCH):
        samples = env["lab.sample"].browse(delivered[start : start + REPORT_BATCH])
        samples.write({"report_file": report})
        env.flush_all()
        env.invalidate_all()
    return len(delivered)


def load_complaints_surveys(env, customers, rnd):
    from odoo import fields  # noqa: PLC0415

    today = fields.Date.context_today(env.user)
    complaints, surveys = [], []
    for company, contact in customers:
        delivered = env["lab.sample"].search(
            [("partner_id", "=", company.id), ("state", "=", "delivered")],
            limit=100,
        )
        about = rnd.sample(list(delivered), min(3, len(delivered)))
        for number, (state, needs) in enumerate(COMPLAINTS):
            received = today - timedelta(days=rnd.randint(0, 300))
            complaints.append(
                {
                    **needs,
                    "summary": f"Complaint {number + 1} of {company.name}",
                    "description": "<p>Written by the load script.</p>",
                    "channel": rnd.choice(["portal", "phone", "email"]),
                    "severity": "minor" if state == "closed" else "major",
                    "received_date": received,
                    "partner_id": company.id,
                    "contact_id": contact.id,
                    "sample_id": about[number].id if number < len(about) else False,
                    "state": state,
                }
            )
            if state == "closed":
                complaints[-1]["result_date"] = min(received + timedelta(days=5), today)
        base = {"partner_id": company.id, "contact_id": contact.id, "channel": "email"}
        surveys += [
            {
                **base,
                "date": today - timedelta(days=3),
                "state": "sent",
                "access_token": secrets.token_urlsafe(32),
                "token_expiry_date": today + timedelta(days=30),
            },
            {
                **base,
                "date": today - timedelta(days=200),
                "state": "answered",
                "answered_datetime": fields.Datetime.now() - timedelta(days=190),
                "score_accuracy": 4,
                "score_turnaround": 3,
                "score_attitude": 5,
                "nps": "8",
            },
        ]
    env["lab.complaint"].create(complaints)
    env["lab.survey"].create(surveys)
    env.flush_all()
    return len(complaints), len(surveys)


def load_data(env, customer_count, sample_count):
    """The whole data set; returns the seconds of each step and what it made."""
    rnd = random.Random(SEED)
    seconds = {}
    start = time.perf_counter()
    customers = load_customers(env, customer_count)
    env.flush_all()
    seconds["customers and portal users"] = time.perf_counter() - start
    start = time.perf_counter()
    states = load_samples(env, customers, sample_count, rnd)
    seconds["samples (ORM create)"] = time.perf_counter() - start
    start = time.perf_counter()
    move_states(env, states)
    seconds["states (SQL)"] = time.perf_counter() - start
    start = time.perf_counter()
    reports = load_reports(env, states)
    seconds["reports (ORM write)"] = time.perf_counter() - start
    start = time.perf_counter()
    complaints, surveys = load_complaints_surveys(env, customers, rnd)
    seconds["complaints and surveys"] = time.perf_counter() - start
    return {
        "seconds": seconds,
        "made": {
            "customers": len(customers),
            "samples": len(states),
            "reports": reports,
            "complaints": complaints,
            "surveys": surveys,
        },
    }


def worker(args):
    """Loads the data through the ORM in this process; writes the result as JSON."""
    registry = open_registry(args.db)
    from odoo import api  # noqa: PLC0415

    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, LOAD_CONTEXT)
        out = load_data(env, args.customers, args.samples)
        # The script's own database: keep what was loaded.
        cr.commit()  # pylint: disable=invalid-commit
    sys.stdout.write(json.dumps(out) + "\n")


def load(odoo_settings, args, db):
    """Loads the data (the worker, then VACUUM ANALYZE); prints the seconds."""
    say(
        f"loading {args.customers} customers with a portal user and"
        f" {args.samples} samples each, through the ORM"
    )
    start = time.perf_counter()
    cmd = [
        odoo_settings.python,
        str(Path(__file__).resolve()),
        "--worker",
        "--db",
        db,
        "--customers",
        str(args.customers),
        "--samples",
        str(args.samples),
    ]
    out = run_worker(cmd, "loading")
    for step, seconds in out["seconds"].items():
        say(f"  {step}: {seconds:.1f} s")
    vacuum = time.perf_counter()
    conn = odoo_settings.connect(db)
    try:
        with conn.cursor() as cr:
            for table in [
                "res_partner",
                "res_users",
                "lab_sample",
                "lab_sample_line",
                "lab_complaint",
                "lab_survey",
                "ir_attachment",
            ]:
                cr.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    finally:
        conn.close()
    say(f"  VACUUM ANALYZE: {time.perf_counter() - vacuum:.1f} s")
    made = out["made"]
    say(
        f"  loaded in {time.perf_counter() - start:.0f} s: {made['customers']}"
        f" customers, {made['samples']} samples ({made['reports']} delivered with"
        f" a report), {made['complaints']} complaints, {made['surveys']} surveys"
    )


# The users ------------------------------------------------------------------------


@dataclass
class Customer:
    login: str
    partner_id: int
    samples: list
    reports: list  # delivered samples with a report
    complaints: list


def portal_customers(odoo_settings, db):
    """The portal users of the load and their documents' ids."""
    rows = odoo_settings.query(
        db,
        """SELECT users.login, contact.commercial_partner_id
             FROM res_users users
             JOIN res_partner contact ON contact.id = users.partner_id
            WHERE users.login LIKE %s AND users.active
         ORDER BY users.login""",
        [f"{LOGIN_PREFIX}%"],
    )
    partner_ids = [partner_id for _login, partner_id in rows]

    def ids_by_partner(query):
        return dict(odoo_settings.query(db, query, [partner_ids]))

    samples = ids_by_partner(
        """SELECT partner_id, array_agg(id ORDER BY id) FROM lab_sample
            WHERE partner_id = ANY(%s) GROUP BY partner_id"""
    )
    reports = ids_by_partner(
        """SELECT sample.partner_id, array_agg(sample.id ORDER BY sample.id)
             FROM lab_sample sample
            WHERE sample.partner_id = ANY(%s) AND sample.state = 'delivered'
              AND EXISTS (SELECT 1 FROM ir_attachment attachment
                           WHERE attachment.res_model = 'lab.sample'
                             AND attachment.res_field = 'report_file'
                             AND attachment.res_id = sample.id)
         GROUP BY sample.partner_id"""
    )
    complaints = ids_by_partner(
        """SELECT partner_id, array_agg(id ORDER BY id) FROM lab_complaint
            WHERE partner_id = ANY(%s) GROUP BY partner_id"""
    )
    return [
        Customer(
            login,
            partner_id,
            samples.get(partner_id, []),
            reports.get(partner_id, []),
            complaints.get(partner_id, []),
        )
        for login, partner_id in rows
    ]


LIST_ROUTES = [
    "/my",
    "/my/samples",
    "/my/samples/page/<n>",
    "/my/complaints",
    "/my/surveys",
]
SAMPLE_ROUTE = "/my/samples/<id>"
COMPLAINT_ROUTE = "/my/complaints/<id>"
REPORT_ROUTE = "/my/samples/<id>/report"
FOREIGN_ROUTE = "another customer's sample or report"


@dataclass
class Hit:
    route: str
    started: float  # seconds after the clock started
    seconds: float
    status: int  # 0: no answer
    error: str  # empty when as expected


@dataclass
class PortalUser:
    """A portal user's HTTP session and what it measured."""

    url: str
    customer: Customer
    others: list  # the other customers
    think: float
    rnd: random.Random
    http: requests.Session = field(default_factory=requests.Session)
    hits: list = field(default_factory=list)
    login_error: str = ""
    login_seconds: float = 0.0

    def login(self):
        start = time.perf_counter()
        form = self.http.get(f"{self.url}/web/login", timeout=REQUEST_TIMEOUT)
        found = CSRF.search(form.text)
        if form.status_code != 200 or not found:
            return f"GET /web/login answered {form.status_code} without a CSRF token"
        answer = self.http.post(
            f"{self.url}/web/login",
            data={
                "login": self.customer.login,
                "password": PASSWORD,
                "csrf_token": found.group(1),
            },
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
        )
        self.login_seconds = time.perf_counter() - start
        location = answer.headers.get("Location", "")
        if answer.status_code != 303 or "/web/login" in location:
            return f"POST /web/login answered {answer.status_code} {location}"
        return ""

    def visit(self):
        """The requests of one visit: (route, path, expected status)."""
        rnd, own = self.rnd, self.customer
        pages = max(1, math.ceil(len(own.samples) / PAGE_SIZE))
        yield "/my", "/my", 200
        yield "/my/samples", "/my/samples", 200
        page = rnd.randint(1, pages)
        yield "/my/samples/page/<n>", f"/my/samples/page/{page}", 200
        if own.samples:
            yield SAMPLE_ROUTE, f"/my/samples/{rnd.choice(own.samples)}", 200
        yield "/my/complaints", "/my/complaints", 200
        if own.complaints:
            yield COMPLAINT_ROUTE, f"/my/complaints/{rnd.choice(own.complaints)}", 200
        if own.reports and rnd.random() < REPORT_SHARE:
            yield REPORT_ROUTE, f"/my/samples/{rnd.choice(own.reports)}/report", 200
        yield "/my/surveys", "/my/surveys", 200
        if self.others and rnd.random() < FOREIGN_SHARE:
            other = rnd.choice(self.others)
            if other.reports and rnd.random() < 0.5:
                yield (
                    FOREIGN_ROUTE,
                    f"/my/samples/{rnd.choice(other.reports)}/report",
                    404,
                )
            elif other.samples:
                yield FOREIGN_ROUTE, f"/my/samples/{rnd.choice(other.samples)}", 404

    def get(self, route, path, expected, clock):
        start = time.perf_counter()
        status, error = 0, ""
        try:
            response = self.http.get(
                f"{self.url}{path}", allow_redirects=False, timeout=REQUEST_TIMEOUT
            )
            content = response.content
            status = response.status_code
            if status != expected:
                error = f"GET {path}: {status} (expected {expected})"
            elif route == REPORT_ROUTE and not content.startswith(b"%PDF-"):
                error = f"GET {path}: not a PDF"
        except requests.RequestException as exception:
            error = f"GET {path}: {type(exception).__name__}: {exception}"
        end = time.perf_counter()
        self.hits.append(Hit(route, start - clock, end - start, status, error))

    def run(self, barrier, clock, duration):
        try:
            try:
                self.login_error = self.login()
            except requests.RequestException as exception:
                self.login_error = f"login: {type(exception).__name__}: {exception}"
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                self.login_error = (
                    self.login_error or "the users did not start together"
                )
            if self.login_error:
                return
            deadline = clock["start"] + duration
            # Users do not arrive in step: each joins its first visit at a random
            # step, after a random part of a think time.
            steps = list(self.visit())
            steps = steps[self.rnd.randrange(len(steps)) :]
            time.sleep(self.rnd.uniform(0.0, self.think))
            while True:
                for route, path, expected in steps:
                    if time.perf_counter() >= deadline:
                        return
                    self.get(route, path, expected, clock["start"])
                    pause = self.rnd.uniform(0.5, 1.5) * self.think
                    time.sleep(max(0.0, min(pause, deadline - time.perf_counter())))
                steps = list(self.visit())
        finally:
            self.http.close()


def drive(url, customers, args):
    """The users, logged in, then visiting for --duration seconds."""
    users = []
    for index in range(args.users):
        customer = customers[index % len(customers)]
        users.append(
            PortalUser(
                url,
                customer,
                [other for other in customers if other is not customer],
                args.think,
                random.Random(SEED + index),
            )
        )
    clock = {}

    def start_clock():
        clock["start"] = time.perf_counter()
        say(f"  logged in; visiting for {args.duration:g} s")

    barrier = threading.Barrier(len(users), action=start_clock, timeout=LOGIN_TIMEOUT)
    threads = [
        threading.Thread(target=user.run, args=(barrier, clock, args.duration))
        for user in users
    ]
    say(f"  {len(users)} users logging in")
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LOGIN_TIMEOUT + args.duration + REQUEST_TIMEOUT)
    stuck = sum(thread.is_alive() for thread in threads)
    if stuck:
        say(f"  warning: {stuck} users still running")
    return users


# The report -----------------------------------------------------------------------


def percentile(values, share):
    """Nearest rank: the smallest value with ``share`` of the values at or below."""
    return values[max(0, math.ceil(share * len(values)) - 1)]


def row(label, measured, all_hits):
    latencies = sorted(hit.seconds * 1000 for hit in measured)
    errors = sum(1 for hit in all_hits if hit.error)
    if not latencies:
        say(f"{label:44} {0:>7} {'-':>8} {'-':>8} {'-':>8} {errors:>7}")
        return None
    p95 = percentile(latencies, 0.95)
    say(
        f"{label:44} {len(latencies):>7} {percentile(latencies, 0.5):>8.0f}"
        f" {p95:>8.0f} {latencies[-1]:>8.0f} {errors:>7}"
    )
    return p95


def verdict(met):
    return "met" if met else "MISSED"


def report(args, users, server, load_before):
    """Prints the table and the verdict; returns whether the target is met."""
    hits = [hit for user in users for hit in user.hits]
    measured = [hit for hit in hits if hit.started >= args.warmup]
    window = args.duration - args.warmup

    def of(routes, selection):
        return [hit for hit in selection if hit.route in routes]

    say()
    header = (
        f"{'route':44} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        f" {'errors':>7}"
    )
    say(header)
    say("-" * len(header))
    groups = [
        ("list pages", LIST_ROUTES),
        ("detail pages", [SAMPLE_ROUTE, COMPLAINT_ROUTE]),
    ]
    p95 = {}
    for group, routes in groups:
        for route in routes:
            row(f"  {route}", of([route], measured), of([route], hits))
        p95[group] = row(group, of(routes, measured), of(routes, hits))
    row("report download", of([REPORT_ROUTE], measured), of([REPORT_ROUTE], hits))
    row(
        f"{FOREIGN_ROUTE} (404)",
        of([FOREIGN_ROUTE], measured),
        of([FOREIGN_ROUTE], hits),
    )
    say(
        f"(latency of the requests started after the first {args.warmup:g} s;"
        " errors: the whole run)"
    )
    say()

    failed_logins = [user.login_error for user in users if user.login_error]
    logins = sorted(user.login_seconds for user in users if not user.login_error)
    server_errors = [hit for hit in hits if hit.status >= 500]
    other_errors = [hit for hit in hits if hit.error and hit.status < 500]
    foreign = of([FOREIGN_ROUTE], hits)
    breaches = [hit for hit in foreign if 200 <= hit.status < 300]
    say(
        f"users: {len(users) - len(failed_logins)}/{len(users)} logged in"
        + (f" (slowest login {logins[-1]:.1f} s)" if logins else "")
    )
    say(
        f"requests: {len(hits)} in {args.duration:g} s, {len(measured)} after the"
        f" warm-up: {len(measured) / window:.1f} requests/s"
    )
    say(f"5xx: {len(server_errors)}")
    say(f"other errors: {len(other_errors)} (+ {len(failed_logins)} failed logins)")
    for error in sorted({hit.error for hit in server_errors + other_errors})[:10]:
        say(f"  {error}")
    for error in failed_logins[:5]:
        say(f"  {error}")
    say(
        f"isolation: {len(foreign)} requests for another customer's sample or"
        f" report, {sum(hit.status == 404 for hit in foreign)} answered 404,"
        f" {len(breaches)} breaches (2xx)"
    )
    problems = server.problems()
    retries = len(RETRY_LOG.findall(server.log()))
    say(
        f"server log: {len(problems)} warnings or errors; {retries} transactions"
        " retried (concurrency errors, not seen by the users)"
    )
    for line in problems[:5]:
        say(f"  {line[:200]}")
    say(
        "load average (1 min) before and after: "
        f"{load_before:.2f}, {os.getloadavg()[0]:.2f}"
    )
    say()
    list_p95 = p95["list pages"]
    fast = list_p95 is not None and list_p95 < TARGET_P95_MS
    clean = not (other_errors or failed_logins)
    met = fast and not server_errors
    say(
        "verdict   p95 of the list pages: "
        + (f"{list_p95:.0f} ms" if list_p95 is not None else "no request")
        + f" (target < {TARGET_P95_MS:g} ms: {verdict(fast)});"
        f" 5xx: {len(server_errors)} (target none: {verdict(not server_errors)})"
    )
    say(
        f"          target {verdict(met)}"
        + ("" if clean else "; the run had other errors: it does not pass")
    )
    return met and clean


def measure(odoo_settings, args, db):
    customers = portal_customers(odoo_settings, db)
    if not customers:
        sys.exit(f"no portal user {LOGIN_PREFIX}* in {db}")
    samples = sum(len(customer.samples) for customer in customers)
    think = (
        f"uniform random {0.5 * args.think:g} to {1.5 * args.think:g} s after each"
        f" request (mean {args.think:g} s: a customer reads the page)"
        if args.think
        else "none (--think 0: a stress figure)"
    )
    say(
        f"portal load on {db}: {args.users} users of {len(customers)} customers"
        f" ({samples} samples), {args.duration:g} s, the first {args.warmup:g} s"
        " discarded"
    )
    say(f"  think time: {think}")
    log_dir = Path(tempfile.mkdtemp(prefix="load_portal."))
    server = OdooServer(
        odoo_settings,
        db,
        log_dir / "odoo.log",
        [f"--workers={args.workers}", *SERVER_OPTIONS],
    )
    say(f"  odoo-bin --workers={args.workers} on {server.url}")
    load_before = os.getloadavg()[0]
    try:
        server.start()
        users = drive(server.url, customers, args)
    except RuntimeError as error:
        sys.exit(str(error))
    finally:
        server.stop()
    met = report(args, users, server, load_before)
    if met and not args.keep:
        shutil.rmtree(log_dir, ignore_errors=True)
    else:
        say(f"server log kept: {server.log_path}")
    return met


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20)
    parser.add_argument("--samples", type=int, default=1000, help="per customer")
    parser.add_argument("--users", type=int, default=20, help="concurrent users")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument(
        "--warmup", type=float, default=5.0, help="first seconds not measured"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds between two requests of a user (0: none)",
    )
    parser.add_argument("--workers", type=int, default=4, help="Odoo's workers")
    parser.add_argument("--template", help="a database with lab_crm installed")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", metavar="DB", help="a database kept by --keep (no load)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if min(args.customers, args.samples, args.users, args.workers) < 1:
        parser.error("--customers, --samples, --users and --workers must be >= 1")
    if not 0 <= args.warmup < args.duration or args.think < 0:
        parser.error("needs 0 <= --warmup < --duration and --think >= 0")

    odoo_settings = Settings.from_env()
    prefix = os.environ.get("LAB_CRM_DB_PREFIX") or f"lab_crm_load{os.getpid()}"
    db = args.reuse or f"{prefix}_portal_load"
    started = time.perf_counter()
    met = False
    try:
        if not args.reuse:
            make_db(odoo_settings, args, db)
            load(odoo_settings, args, db)
        met = measure(odoo_settings, args, db)
    finally:
        if args.reuse:
            pass
        elif args.keep:
            say(f"kept the database {db}")
        else:
            odoo_settings.drop_db(db)
        say(f"total {time.perf_counter() - started:.0f} s")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
