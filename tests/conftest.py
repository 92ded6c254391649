"""What the end-to-end tests share: the Odoo they drive (``odoo``, from the
environment scripts/test.sh sets), and, at the end of the run, the timings they
recorded."""

import os

import pytest
from odoo_e2e import Settings


@pytest.fixture(scope="module")
def odoo():
    """The Odoo of scripts/test.sh: its settings, the prefix of the databases a
    test may make and the database with lab_crm's dependencies to copy."""
    if not (os.environ.get("LAB_CRM_DB_PREFIX") and os.environ.get("LAB_CRM_BASE_DB")):
        pytest.fail("needs LAB_CRM_DB_PREFIX and LAB_CRM_BASE_DB: run scripts/test.sh")
    return Settings.from_env()


def pytest_terminal_summary(terminalreporter):
    lines = [
        f"{report.nodeid}: {name} = {value}"
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name.endswith("_seconds")
    ]
    if lines:
        terminalreporter.write_sep("-", "lab_crm timings")
        for line in lines:
            terminalreporter.write_line(line)
