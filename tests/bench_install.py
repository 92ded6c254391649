"""Seconds to install lab_crm into a copy of a database holding its dependencies.

    "$LAB_CRM_VENV"/bin/python tests/bench_install.py [--runs 3]

Run it with Odoo's virtualenv python (PYTHON of scripts/common.sh), after
scripts/setup.sh. It copies LAB_CRM_BASE_DB when that is set, else first builds a
base of its own (crm, sale_management, account, portal; no demo data). Each run
installs lab_crm into a fresh copy of the base; prints every run and the median,
then drops every database it made. Not collected by pytest (not test_*.py).
"""

import argparse
import os
import statistics
import sys

from odoo_e2e import DEPENDENCIES, Settings


def say(message):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    odoo = Settings.from_env()
    prefix = os.environ.get("LAB_CRM_DB_PREFIX") or f"lab_crm_bench{os.getpid()}"
    base = os.environ.get("LAB_CRM_BASE_DB")
    made = []
    try:
        if not base:
            base = f"{prefix}_benchbase"
            made.append(base)
            say(f"building {base} with {DEPENDENCIES}")
            build = odoo.odoo("-d", base, "-i", DEPENDENCIES, "--stop-after-init")
            if build.returncode:
                sys.exit(f"building {base} failed\n{build.report()}")
            say(f"built in {build.seconds:.1f} s")
        seconds = []
        for run in range(1, args.runs + 1):
            db = f"{prefix}_bench{run}"
            made.append(db)
            odoo.copy_db(base, db)
            install = odoo.odoo("-d", db, "-i", "lab_crm", "--stop-after-init")
            if install.returncode:
                sys.exit(f"installing lab_crm into {db} failed\n{install.report()}")
            seconds.append(install.seconds)
            say(
                f"run {run}: {install.seconds:.2f} s"
                f" (Odoo: lab_crm loaded in {install.module_seconds('lab_crm')} s)"
            )
            odoo.drop_db(db)
        say(f"median of {len(seconds)}: {statistics.median(seconds):.2f} s")
    finally:
        for db in made:
            odoo.drop_db(db)


if __name__ == "__main__":
    main()
