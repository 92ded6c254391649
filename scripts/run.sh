#!/usr/bin/env bash
# Sets up (scripts/setup.sh), creates the database LAB_CRM_DB with lab_crm and its
# demo data when it does not exist yet, and serves Odoo at http://127.0.0.1:$HTTP_PORT
# (log in as admin / admin). Stop it with Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LAB_CRM_DB="${LAB_CRM_DB:-lab_crm}"

bash "$REPO_DIR/scripts/setup.sh"
if [ "$(pg_app -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$LAB_CRM_DB'")" != 1 ]; then
    say "creating database $LAB_CRM_DB with lab_crm and demo data (a few minutes, once)"
    create_demo_db "$LAB_CRM_DB" \
        || die "installing lab_crm into database $LAB_CRM_DB failed (see the log above)."
else
    say "updating lab_crm in database $LAB_CRM_DB"
    odoo -d "$LAB_CRM_DB" -u lab_crm --stop-after-init --log-level=warn \
        || die "updating lab_crm in database $LAB_CRM_DB failed (see the log above)."
fi
say "serving Odoo at http://127.0.0.1:$HTTP_PORT (database $LAB_CRM_DB, login admin / admin)"
exec "$PYTHON" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$LAB_CRM_DB" --db-filter="^$LAB_CRM_DB\$" "$@"
