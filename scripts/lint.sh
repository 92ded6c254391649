#!/usr/bin/env bash
# Lints lab_crm as the OCA's pre-commit does (OCA/oca-addons-repo-template for
# 19.0), with the linters of LINT_VENV (scripts/setup.sh installs them):
#   ruff-check      ruff check, settings in ruff.toml (never fixes anything here)
#   ruff-format     ruff format --check
#   pylint          pylint with pylint_odoo, the OCA's mandatory checks only
#                   (.pylintrc-mandatory)
#   odoo-module     oca-checks-odoo-module: manifest, XML, CSV, ... of lab_crm/
#   po              oca-checks-po --disable=po-pretty-format on lab_crm's PO files
# The Python linted is lab_crm/ and tests/. Without arguments every linter runs;
# with names, only those (e.g. `scripts/lint.sh pylint`). Prints the findings
# and exits non-zero when there is any.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ADDONS=(lab_crm)
PY_PATHS=(lab_crm tests)
ALL_LINTERS=(ruff-check ruff-format pylint odoo-module po)

[ -x "$LINT_VENV/bin/ruff" ] && [ -x "$LINT_VENV/bin/pylint" ] && [ -x "$LINT_VENV/bin/oca-checks-odoo-module" ] \
    || die "the linters are not in LINT_VENV=$LINT_VENV; run scripts/setup.sh (or set LINT_VENV) first."
cd "$REPO_DIR"

python_files() {
    find "${PY_PATHS[@]}" -name '*.py' -not -path '*/__pycache__/*' -print0 2>/dev/null | sort -z
}

run_linter() {
    case "$1" in
        ruff-check)
            "$LINT_VENV/bin/ruff" check --no-fix --no-cache --output-format=concise "${PY_PATHS[@]}" ;;
        ruff-format)
            "$LINT_VENV/bin/ruff" format --check --no-cache --output-format=concise "${PY_PATHS[@]}" ;;
        pylint)
            local files=()
            mapfile -d '' files < <(python_files)
            [ ${#files[@]} -gt 0 ] || { echo "no Python file"; return 0; }
            "$LINT_VENV/bin/pylint" --rcfile=.pylintrc-mandatory --output-format=text "${files[@]}" ;;
        odoo-module)
            "$LINT_VENV/bin/oca-checks-odoo-module" "${ADDONS[@]}" ;;
        po)
            local files=()
            mapfile -d '' files < <(find "${ADDONS[@]}" \( -name '*.po' -o -name '*.pot' \) -print0 | sort -z)
            [ ${#files[@]} -gt 0 ] || { echo "no PO file"; return 0; }
            "$LINT_VENV/bin/oca-checks-po" --disable=po-pretty-format "${files[@]}" ;;
        *)
            die "unknown linter '$1'; known: ${ALL_LINTERS[*]}" ;;
    esac
}

linters=("$@")
[ ${#linters[@]} -gt 0 ] || linters=("${ALL_LINTERS[@]}")
failed=()
for linter in "${linters[@]}"; do
    echo "=== $linter"
    if ! run_linter "$linter"; then
        failed+=("$linter")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "lab_crm: lint findings from: ${failed[*]}" >&2
    exit 1
fi
say "lint clean (${linters[*]})"
