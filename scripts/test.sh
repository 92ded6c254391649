#!/usr/bin/env bash
# The whole test suite: sets up (scripts/setup.sh), builds a fresh database with
# lab_crm's dependencies, copies it and installs lab_crm, then runs in one pytest
# session the addon's tests (pytest-odoo: lab_crm/tests) and the end-to-end
# checks (tests/: install/upgrade/uninstall, lint, ...). Every database it made is
# dropped at the end. Extra arguments go to pytest (e.g. -k credit_code).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

bash "$REPO_DIR/scripts/setup.sh"

# Databases of this run share a prefix, so that cleanup finds the end-to-end ones too.
export LAB_CRM_DB_PREFIX="lab_crm_t$$"
export LAB_CRM_BASE_DB="${LAB_CRM_DB_PREFIX}_base"
TEST_DB="${LAB_CRM_DB_PREFIX}_main"
cleanup() {
    for db in $(pg_app -d postgres -c "SELECT datname FROM pg_database WHERE datname LIKE '${LAB_CRM_DB_PREFIX}%'"); do
        pg_app -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
        rm -rf "$LAB_CRM_STATE/data/filestore/$db"
    done
}
trap cleanup EXIT

say "building $LAB_CRM_BASE_DB with lab_crm's dependencies"
odoo -d "$LAB_CRM_BASE_DB" -i crm,sale_management,account,portal --stop-after-init --log-level=warn \
    || die "installing lab_crm's dependencies into a fresh database failed (see the log above)."
pg_app -d postgres -c "CREATE DATABASE \"$TEST_DB\" TEMPLATE \"$LAB_CRM_BASE_DB\""
cp -r "$LAB_CRM_STATE/data/filestore/$LAB_CRM_BASE_DB" "$LAB_CRM_STATE/data/filestore/$TEST_DB" 2>/dev/null || true
say "installing lab_crm into $TEST_DB"
odoo -d "$TEST_DB" -i lab_crm --stop-after-init --log-level=warn \
    || die "installing lab_crm failed (see the log above)."

export ODOO_SRC LAB_CRM_VENV LINT_VENV ODOO_CONF PYTHON DB_USER DB_PASSWORD
export PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}"
cd "$REPO_DIR"
set +e
"$PYTHON" -m pytest -p no:cacheprovider \
    --odoo-config="$ODOO_CONF" --odoo-database="$TEST_DB" --odoo-http \
    lab_crm/tests tests "$@"
status=$?
set -e
[ "$status" = 5 ] && echo "lab_crm: pytest collected no test: that is a failure here."
exit "$status"
