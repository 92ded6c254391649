"""Drives a real Odoo from outside, for the end-to-end checks of tests/.

Odoo runs as a subprocess (odoo-bin with the configuration of scripts/setup.sh),
once or as an HTTP server (OdooServer), and the databases are read with psycopg2.
Settings come from the environment that scripts/test.sh exports (ODOO_SRC,
ODOO_CONF, PYTHON, DB_USER, DB_PASSWORD, ...), with the defaults of
scripts/common.sh. Not a test module: pytest collects only test_*.py.
"""

import ast
import configparser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import requests
from psycopg2 import sql

REPO_DIR = Path(__file__).resolve().parent.parent
ADDON_DIR = REPO_DIR / "lab_crm"
DEPENDENCIES = "crm,sale_management,account,portal"
STARTUP_TIMEOUT = 180  # seconds, until /web/login answers

# A log record of Odoo: "2026-01-31 12:00:00,123 4242 WARNING db logger: message".
LOG_PROBLEM = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (WARNING|ERROR|CRITICAL) "
)


@dataclass
class Settings:
    odoo_src: Path
    python: str
    odoo_conf: Path
    db_host: str
    db_port: int
    db_user: str
    db_password: str
    data_dir: Path

    @classmethod
    def from_env(cls):
        odoo_src = Path(os.environ.get("ODOO_SRC", "/opt/odoo-19.0"))
        odoo_conf = Path(os.environ.get("ODOO_CONF", REPO_DIR / ".state" / "odoo.conf"))
        conf = configparser.ConfigParser(interpolation=None)
        conf.read(odoo_conf)
        options = conf["options"] if conf.has_section("options") else {}
        return cls(
            odoo_src=odoo_src,
            python=os.environ.get("PYTHON", sys.executable),
            odoo_conf=odoo_conf,
            db_host=options.get("db_host") or os.environ.get("PGHOST", "127.0.0.1"),
            db_port=int(options.get("db_port") or os.environ.get("PGPORT", 5432)),
            db_user=os.environ.get("DB_USER") or options.get("db_user", "lab_crm"),
            db_password=os.environ.get("DB_PASSWORD")
            or options.get("db_password", "lab_crm"),
            data_dir=Path(options.get("data_dir") or REPO_DIR / ".state" / "data"),
        )

    # PostgreSQL -----------------------------------------------------------------

    def connect(self, dbname="postgres"):
        conn = psycopg2.connect(
            dbname=dbname,
            host=self.db_host,
            port=self.db_port,
            user=self.db_user,
            password=self.db_password,
        )
        conn.autocommit = True
        return conn

    def query(self, dbname, query, params=None):
        """Rows of one query on dbname, in a connection of its own."""
        conn = self.connect(dbname)
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall()
        finally:
            conn.close()

    def db_exists(self, dbname):
        rows = self.query(
            "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [dbname]
        )
        return bool(rows)

    def copy_db(self, template, dbname):
        """dbname as a copy of template, its filestore included."""
        self.drop_db(dbname)
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                cr.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(dbname), sql.Identifier(template)
                    )
                )
        finally:
            conn.close()
        source = self.filestore(template)
        if source.is_dir():
            shutil.copytree(source, self.filestore(dbname))

    def drop_db(self, dbname):
        conn = self.connect()
        try:
            with conn.cursor() as cr:
                cr.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(dbname)
                    )
                )
        finally:
            conn.close()
        shutil.rmtree(self.filestore(dbname), ignore_errors=True)

    def filestore(self, dbname):
        return self.data_dir / "filestore" / dbname

    # Odoo -------------------------------------------------------------------------

    def odoo(self, *args, timeout=1800, input=None):  # noqa: A002 (subprocess's)
        """Runs odoo-bin with the configuration file (after a subcommand's name when
        args start with one, as `module uninstall`); ``input`` goes to its
        standard input (a script for `shell`)."""
        args = list(args)
        command = []
        while args and not args[0].startswith("-"):
            command.append(args.pop(0))
        # `db` takes the configuration before its own subcommand (`db -c x init`).
        head, tail = (
            (command[:1], command[1:]) if command[:1] == ["db"] else (command, [])
        )
        cmd = [
            self.python,
            str(self.odoo_src / "odoo-bin"),
            *head,
            "-c",
            str(self.odoo_conf),
            *tail,
            *args,
        ]
        start = time.monotonic()
        proc = subprocess.run(
            cmd,
            cwd=REPO_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
            input=input,
        )
        return OdooRun(cmd, proc.returncode, proc.stdout, time.monotonic() - start)

    def create_demo_db(self, dbname, timeout=3600):
        """The demo database as `make run` makes it (scripts/common.sh,
        create_demo_db): a Chinese laboratory."""
        env = {
            **os.environ,
            "ODOO_SRC": str(self.odoo_src),
            "LAB_CRM_VENV": str(Path(self.python).parent.parent),
            "LAB_CRM_STATE": str(self.odoo_conf.parent),
        }
        cmd = ["bash", "-c", 'source scripts/common.sh && create_demo_db "$1"', "-"]
        start = time.monotonic()
        proc = subprocess.run(
            [*cmd, dbname],
            cwd=REPO_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
            check=False,
        )
        return OdooRun(cmd, proc.returncode, proc.stdout, time.monotonic() - start)


@dataclass
class OdooRun:
    cmd: list
    returncode: int
    output: str
    seconds: float

    def problems(self):
        """The log records of level WARNING and above."""
        return [line for line in self.output.splitlines() if LOG_PROBLEM.match(line)]

    def module_seconds(self, module):
        """The seconds Odoo says it spent loading module, or None."""
        found = re.search(
            rf"Module {re.escape(module)} loaded in ([0-9.]+)s", self.output
        )
        return float(found.group(1)) if found else None

    def report(self, tail=60):
        lines = self.output.splitlines()
        return "\n".join(
            [
                f"$ {' '.join(self.cmd)}",
                f"exit status {self.returncode} after {self.seconds:.1f} s",
                "problems logged:",
                *(self.problems() or ["(none)"]),
                f"last {tail} lines of the log:",
                *lines[-tail:],
            ]
        )

    def assert_clean(self, what):
        assert self.returncode == 0 and not self.problems(), (
            f"{what} failed or logged problems\n{self.report()}"
        )


def manifest(addon_dir=ADDON_DIR):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text())


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OdooServer:
    """odoo-bin serving one database on a free port of 127.0.0.1."""

    def __init__(self, odoo, db, log_path, options):
        self.db = db
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cmd = [
            odoo.python,
            str(odoo.odoo_src / "odoo-bin"),
            "-c",
            str(odoo.odoo_conf),
            "-d",
            db,
            f"--db-filter=^{re.escape(db)}$",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            # prefork starts a gevent server too: keep it off the default port
            f"--gevent-port={free_port()}",
            "--max-cron-threads=0",
            # /jsonrpc warns at each call that it is deprecated (Odoo 19): known
            *("--log-handler", "odoo.addons.rpc.controllers.jsonrpc:ERROR"),
            *options,
        ]
        self.proc = None

    def start(self):
        with open(self.log_path, "w", encoding="utf-8") as log:
            # A session of its own: stop() ends the workers of prefork with it.
            self.proc = subprocess.Popen(  # pylint: disable=consider-using-with
                self.cmd,
                cwd=REPO_DIR,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Odoo server exited at start\n{self.report()}")
            try:
                response = requests.get(f"{self.url}/web/login", timeout=10)
                if response.status_code == 200:
                    return
                last_error = f"/web/login answered {response.status_code}"
            except requests.RequestException as error:
                last_error = error
            time.sleep(0.5)
        raise RuntimeError(
            f"the Odoo server did not answer in {STARTUP_TIMEOUT} s ({last_error})\n"
            f"{self.report()}"
        )

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log(self):
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def problems(self):
        return [line for line in self.log().splitlines() if LOG_PROBLEM.match(line)]

    def report(self, tail=60):
        lines = self.log().splitlines()
        return "\n".join(
            [
                f"$ {' '.join(self.cmd)}",
                "problems logged (first 20):",
                *(self.problems()[:20] or ["(none)"]),
                f"last {tail} lines of the log:",
                *lines[-tail:],
            ]
        )


def open_registry(db):
    """Odoo used as a library in this process, on database ``db``: its registry.
    The benchmarks' and the load script's workers start with it."""
    settings = Settings.from_env()
    sys.path.insert(0, str(settings.odoo_src))
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(
        ["-c", str(settings.odoo_conf), "-d", db, "--log-level=warn"],
        setup_logging=True,
    )
    return Registry(db)


def run_worker(cmd, what):
    """Runs a worker process (a benchmark or load script's own ``--worker``
    mode, Odoo used as a library) and returns the JSON object of its last line of
    output; stops the script with the worker's output when it fails."""
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        # Odoo's harmless warnings about the bench tables' loaded columns.
        log = [
            line
            for line in proc.stderr.splitlines()
            if "Missing not-null constraint" not in line
        ]
        tail = "\n".join(log[-60:])
        sys.exit(
            f"{what} failed (exit status {proc.returncode})\n{proc.stdout}\n{tail}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])
