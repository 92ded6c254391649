# Shared settings for lab_crm's scripts. Sourced, never run.
# Every path here can be overridden from the environment.
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo-19.0}"
ODOO_BRANCH="${ODOO_BRANCH:-19.0}"
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
LAB_CRM_VENV="${LAB_CRM_VENV:-${ODOO_SRC}-venv}"
LINT_VENV="${LINT_VENV:-${LAB_CRM_VENV}-lint}"
LAB_CRM_STATE="${LAB_CRM_STATE:-$REPO_DIR/.state}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
DB_USER="${DB_USER:-lab_crm}"
DB_PASSWORD="${DB_PASSWORD:-lab_crm}"
HTTP_PORT="${HTTP_PORT:-8069}"
ODOO_CONF="$LAB_CRM_STATE/odoo.conf"
PYTHON="$LAB_CRM_VENV/bin/python"
export PGHOST PGPORT

die() { echo "lab_crm: $*" >&2; exit 1; }
say() { echo "lab_crm: $*"; }

odoo() { "$PYTHON" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" "$@"; }

# Runs SQL as the PostgreSQL superuser (peer authentication on the socket when
# we can switch user, else the postgres role over TCP).
pg_super() {
    if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
        runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@"
    elif command -v sudo >/dev/null 2>&1 && id postgres >/dev/null 2>&1; then
        sudo -u postgres psql -v ON_ERROR_STOP=1 -qAt "$@"
    else
        psql -h "$PGHOST" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"
    fi
}

# psql as the dedicated role, on the maintenance database unless told otherwise.
pg_app() { PGPASSWORD="$DB_PASSWORD" psql -h "$PGHOST" -p "$PGPORT" -U "$DB_USER" -v ON_ERROR_STOP=1 -qAt "$@"; }

# The demo database $1, as `make run` makes it: a Chinese laboratory.
# 1. The company in China from the start (Odoo's `db init --country CN`).
# 2. Invoicing with its demo data, and Odoo's Chinese chart (l10n_cn, installed
#    with Invoicing for a company in China). Invoicing's demo data puts Odoo's
#    generic chart on the main company whatever its country, so
# 3. the main company is given the Chinese chart (and CNY) before anything is
#    booked but Invoicing's own demo entries, which the chart replaces.
# 4. lab_crm and its demo data, Simplified Chinese loaded: the demo data names
#    the laboratory, its address and logo, and sets the demo users to Chinese
#    (admin stays in English). l10n_cn's demo data adds two companies of its own.
create_demo_db() {
    "$PYTHON" "$ODOO_SRC/odoo-bin" db -c "$ODOO_CONF" init "$1" --with-demo --country CN \
        >/dev/null 2>&1 || return
    odoo -d "$1" -i l10n_cn --with-demo --stop-after-init --log-level=warn || return
    "$PYTHON" "$ODOO_SRC/odoo-bin" shell -c "$ODOO_CONF" -d "$1" --no-http \
        --log-level=warn >/dev/null <<'PY' || return
env["account.chart.template"].try_loading("cn", env.ref("base.main_company"), install_demo=True)
env.cr.commit()
PY
    odoo -d "$1" -i lab_crm --with-demo --load-language zh_CN --stop-after-init \
        --log-level=warn
}
