"""End-to-end: sample references stay unique when 8 sessions register at once.

A real Odoo HTTP server (odoo-bin as a subprocess) serves a copy of the base
database with lab_crm installed; 8 threads, each with its own HTTP session, create
samples through JSON-RPC at the same time. Every sample must get its own reference
from the company's sample sequence, and no request may fail. The server runs once
threaded (--workers=0: 8 requests in threads of one process, each with its own
cursor) and once prefork (--workers=4: separate processes).
"""

import itertools
import os
import re
import threading
import time

import pytest
import requests
from odoo_e2e import OdooServer

MODULE = "lab_crm"
SESSIONS = 8
SAMPLES_PER_SESSION = 25
REQUEST_TIMEOUT = 60  # seconds, each JSON-RPC request
OVERALL_TIMEOUT = 600  # seconds, all the registrations together
ADMIN = ("admin", "admin")  # the administrator of a new database
SERVER_MODES = {
    "threaded": ["--workers=0"],
    "prefork": ["--workers=4", "--limit-time-real=300"],
}
RETRY_LOG = re.compile(r"tries left, try again in")
# werkzeug's access log: "<date> <time> <pid> INFO <db> werkzeug: ... POST /jsonrpc"
CREATE_LOG = re.compile(
    r"^\S+ \S+ (\d+) INFO \S+ werkzeug: .*\"POST /jsonrpc#lab\.sample\.create "
)


@pytest.fixture(scope="module")
def concurrency_db(odoo):
    """A copy of the base database with lab_crm installed, dropped at the end."""
    db = f"{os.environ['LAB_CRM_DB_PREFIX']}_concurrency"
    odoo.copy_db(os.environ["LAB_CRM_BASE_DB"], db)
    try:
        install = odoo.odoo("-d", db, "-i", MODULE, "--stop-after-init")
        install.assert_clean("installing lab_crm")
        yield db
    finally:
        odoo.drop_db(db)


class RpcError(Exception):
    pass


class JsonRpc:
    """A JSON-RPC client on /jsonrpc, over an HTTP session of its own."""

    _ids = itertools.count(1)

    def __init__(self, url, db):
        self.url = f"{url}/jsonrpc"
        self.db = db
        self.http = requests.Session()
        self.uid = None
        self.password = None

    def call(self, service, method, *args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": list(args)},
            "id": next(self._ids),
        }
        response = self.http.post(self.url, json=payload, timeout=REQUEST_TIMEOUT)
        response.raise_for_status()
        answer = response.json()
        if answer.get("error"):
            error = answer["error"]
            data = error.get("data") or {}
            raise RpcError(f"{data.get('name', '')}: {data.get('message') or error}")
        return answer["result"]

    def login(self, login, password):
        self.uid = self.call("common", "login", self.db, login, password)
        assert self.uid, f"cannot log in as {login}"
        self.password = password
        return self

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def close(self):
        self.http.close()


@pytest.fixture(params=sorted(SERVER_MODES))
def server(request, odoo, concurrency_db, tmp_path):
    server = OdooServer(
        odoo,
        concurrency_db,
        tmp_path / f"odoo-{request.param}.log",
        SERVER_MODES[request.param],
    )
    request.addfinalizer(server.stop)
    server.start()
    return server


def register_samples(url, db, partner_id, tag, barrier, deadline):
    """Runs the sessions at once; returns the ids created, the errors, the seconds
    from the start to the last answer and the most requests seen in flight."""
    created = [[] for _ in range(SESSIONS)]
    errors = []
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most

    def create(rpc, vals):
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        try:
            return rpc.execute("lab.sample", "create", vals)
        finally:
            with lock:
                in_flight[0] -= 1

    def session(index):
        rpc = JsonRpc(url, db)
        try:
            rpc.login(*ADMIN)
            barrier.wait()
            for number in range(SAMPLES_PER_SESSION):
                if time.monotonic() > deadline:
                    errors.append(f"session {index}: out of time at sample {number}")
                    return
                vals = {
                    "partner_id": partner_id,
                    "sample_name": f"{tag}{index}-{number}",
                }
                try:
                    created[index].append(create(rpc, vals))
                except (RpcError, requests.RequestException, ValueError) as error:
                    errors.append(f"session {index}, sample {number}: {error}")
        except threading.BrokenBarrierError:
            errors.append(f"session {index}: the sessions could not start together")
        except (RpcError, requests.RequestException, AssertionError) as error:
            errors.append(f"session {index}: {error}")
            barrier.abort()
        finally:
            rpc.close()

    threads = [
        threading.Thread(target=session, args=(index,), daemon=True)
        for index in range(SESSIONS)
    ]
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        errors.append("the registrations did not start together")
    start = time.monotonic()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    seconds = time.monotonic() - start
    stuck = [index for index, thread in enumerate(threads) if thread.is_alive()]
    if stuck:
        errors.append(f"sessions {stuck} still running after {OVERALL_TIMEOUT} s")
    return created, errors, seconds, in_flight[1]


def reference_pattern(odoo, db, company_id):
    """A regular expression for the references of the company's sample sequence,
    its number in group 1 (any %(...)s of the prefix or suffix matches digits)."""
    rows = odoo.query(
        db,
        "SELECT prefix, suffix, padding FROM ir_sequence"
        " WHERE code = 'lab.sample' AND company_id = %s AND active",
        [company_id],
    )
    assert len(rows) == 1, f"{len(rows)} sample sequences for company {company_id}"
    prefix, suffix, padding = rows[0]

    def regex(text):
        parts = re.split(r"%\(\w+\)s", text or "")
        return r"\d+".join(re.escape(part) for part in parts)

    return re.compile(rf"^{regex(prefix)}(\d{{{padding or 1},}}){regex(suffix)}$")


def test_concurrent_sample_registration(
    odoo, concurrency_db, server, request, record_property
):
    db = concurrency_db
    mode = request.node.callspec.params["server"]
    tag = mode[0].upper()
    admin = JsonRpc(server.url, db).login(*ADMIN)
    try:
        partner_id = admin.execute(
            "res.partner",
            "create",
            {"name": f"Concurrency Test Customer ({mode})", "is_company": True},
        )
    finally:
        admin.close()
    (before,) = odoo.query(db, "SELECT count(*) FROM lab_sample")[0]

    barrier = threading.Barrier(SESSIONS + 1, timeout=REQUEST_TIMEOUT)
    created, errors, seconds, most_in_flight = register_samples(
        server.url,
        db,
        partner_id,
        tag,
        barrier,
        time.monotonic() + OVERALL_TIMEOUT,
    )
    record_property("concurrent_registration_seconds", round(seconds, 1))
    retries = len(RETRY_LOG.findall(server.log()))
    record_property("concurrency_retries", retries)
    record_property("most_requests_in_flight", most_in_flight)

    assert not errors, (
        f"{len(errors)} failed registrations ({mode} server):\n"
        + "\n".join(errors[:20])
        + f"\n{server.report()}"
    )
    ids = [sample_id for ids in created for sample_id in ids]
    total = SESSIONS * SAMPLES_PER_SESSION
    assert len(ids) == total and len(set(ids)) == total

    (after,) = odoo.query(db, "SELECT count(*) FROM lab_sample")[0]
    assert after - before == total, "samples created other than those answered"
    rows = odoo.query(
        db,
        "SELECT id, name, sample_name, company_id, partner_id FROM lab_sample"
        " WHERE id = ANY(%s)",
        [ids],
    )
    assert len(rows) == total
    assert {row[2] for row in rows} == {
        f"{tag}{index}-{number}"
        for index in range(SESSIONS)
        for number in range(SAMPLES_PER_SESSION)
    }
    assert {row[4] for row in rows} == {partner_id}
    companies = {row[3] for row in rows}
    assert len(companies) == 1

    names = [row[1] for row in rows]
    assert all(names), "samples without a reference"
    assert "New" not in names, "samples left with the placeholder reference"
    duplicates = sorted(name for name in set(names) if names.count(name) > 1)
    assert not duplicates, f"references given more than once: {duplicates}"
    # Unique across the company too, the samples of other runs included.
    assert not odoo.query(
        db,
        "SELECT company_id, name FROM lab_sample"
        " GROUP BY company_id, name HAVING count(*) > 1",
    )

    pattern = reference_pattern(odoo, db, companies.pop())
    malformed = sorted(name for name in names if not pattern.match(name))
    assert not malformed, f"references not of the sequence {pattern.pattern}"
    numbers = {int(pattern.match(name).group(1)) for name in names}
    assert len(numbers) == total, "references with the same number"
    first = min(names, key=lambda name: int(pattern.match(name).group(1)))
    shared = first[: pattern.match(first).start(1)]
    assert all(name.startswith(shared) for name in names), (
        f"references not all starting with {shared!r}"
    )

    # The registrations did overlap, in several processes for prefork.
    assert most_in_flight > 1, "the sessions never had requests in flight together"
    pids = {
        found.group(1)
        for found in map(CREATE_LOG.match, server.log().splitlines())
        if found
    }
    assert pids, "no lab.sample.create in the server's access log"
    if mode == "prefork":
        assert len(pids) > 1, f"all the requests were served by worker {pids}"

    assert server.proc.poll() is None, f"the server died\n{server.report()}"
    problems = server.problems()
    assert not problems, f"the server logged problems ({mode}):\n{server.report()}"
