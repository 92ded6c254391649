#!/usr/bin/env bash
# The README's screenshots (docs/screenshots/*.png) of a demo database, taken with
# headless Chromium by scripts/screenshot.py: `make screenshots`.
# Uses the database LAB_CRM_DB (default lab_crm, made by `make run`; created here
# with demo data when missing), serves it on a free port of 127.0.0.1 for the
# time of the shots, and logs in as lab_chen (Lab CRM Manager, in Chinese; override
# with SHOTS_LOGIN / SHOTS_PASSWORD), the portal's as lab_portal (a customer
# contact, in Chinese).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LAB_CRM_DB="${LAB_CRM_DB:-lab_crm}"
OUT="${SHOTS_OUT:-$REPO_DIR/docs/screenshots}"
PORT="${SHOTS_PORT:-8099}"

if [ "$(pg_app -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$LAB_CRM_DB'")" != 1 ]; then
    say "creating database $LAB_CRM_DB with lab_crm and demo data"
    create_demo_db "$LAB_CRM_DB"
fi
dashboard_id="$(pg_app -d "$LAB_CRM_DB" -c "SELECT res_id FROM ir_model_data
    WHERE module = 'lab_crm' AND name = 'spreadsheet_dashboard_lab_crm'")"
assessment_id="$(pg_app -d "$LAB_CRM_DB" -c "SELECT id FROM lab_assessment
    ORDER BY date_to DESC, id DESC LIMIT 1")"
report="$(pg_app -d "$LAB_CRM_DB" -c "SELECT 'number=' || name || '&code=' || verification_code
    FROM lab_report_version WHERE state = 'valid' ORDER BY id DESC LIMIT 1")"
customer_id="$(pg_app -d "$LAB_CRM_DB" -c "SELECT id FROM res_partner
    WHERE ref LIKE 'LABDEMO-%' ORDER BY ref LIMIT 1")"

# odoo-bin itself in the background (not the odoo shell function, whose subshell
# would be the one killed at the end).
"$PYTHON" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$LAB_CRM_DB" \
    --db-filter="^$LAB_CRM_DB\$" --http-interface=127.0.0.1 \
    --http-port="$PORT" --gevent-port="$((PORT + 1))" --max-cron-threads=0 \
    --log-level=warn &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    kill -0 "$server" 2>/dev/null || die "the Odoo server did not start (port $PORT taken?)"
    curl -sf "http://127.0.0.1:$PORT/web/login" >/dev/null && break
    sleep 1
done

mkdir -p "$OUT"
# Seconds for a page to settle: the first pages in Chinese load the translations.
export LAB_CRM_WAIT="${LAB_CRM_WAIT:-8}"
LOGIN="${SHOTS_LOGIN:-lab_chen}"
PASSWORD="${SHOTS_PASSWORD:-$LOGIN}"
shoot() {  # name, path[|selector to click...]
    LAB_CRM_URL="http://127.0.0.1:$PORT" LAB_CRM_LOGIN="$LOGIN" \
        LAB_CRM_PASSWORD="$PASSWORD" "$PYTHON" "$REPO_DIR/scripts/screenshot.py" \
        "$OUT/$1.png" "$2"
}
shoot .warm-up "/odoo"  # the first page builds the asset bundles
rm -f "$OUT/.warm-up.png"
shoot 01-customers "/odoo/action-lab_crm.res_partner_action_lab_customer|.o_searchview_facet .o_facet_remove"
shoot 02-customer "/odoo/action-lab_crm.res_partner_action_lab_customer/$customer_id|.o_notebook_headers a[name=lab_crm]"
shoot 03-samples "/odoo/action-lab_crm.lab_sample_action"
shoot 04-dashboard "/odoo/dashboards?dashboard_id=$dashboard_id"
shoot 05-pareto "/odoo/action-lab_crm.lab_segment_snapshot_action_pareto"
shoot 06-churn-watch-list "/odoo/action-lab_crm.lab_segment_snapshot_action_churn"
shoot 07-aging "/odoo/action-lab_crm.lab_arrears_customer_action"
# Through the menu: a wizard's action opened by its URL has no app to show.
shoot 08-staff-kpis "/odoo/action-lab_crm.res_partner_action_lab_customer|[data-menu-xmlid='lab_crm.lab_crm_menu_reporting']|[data-menu-xmlid='lab_crm.lab_staff_kpi_menu']|button[name=action_open]"
shoot 09-complaints "/odoo/action-lab_crm.lab_complaint_action"
shoot 10-assessment "/odoo/action-lab_crm.lab_assessment_action/$assessment_id"
LOGIN=lab_portal PASSWORD=lab_portal
shoot 11-portal-samples "/my/samples"
shoot 12-portal-invoicing "/my/invoicing"
shoot 13-report-verify "/report/verify?$report"
say "screenshots in $OUT"
