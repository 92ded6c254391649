"""The OCA's linters find nothing: one test per linter of scripts/lint.sh."""

import subprocess
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
LINTERS = ["ruff-check", "ruff-format", "pylint", "odoo-module", "po"]


@pytest.mark.parametrize("linter", LINTERS)
def test_lint(linter):
    proc = subprocess.run(
        ["bash", str(REPO_DIR / "scripts" / "lint.sh"), linter],
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"scripts/lint.sh {linter} found:\n{proc.stdout}"
