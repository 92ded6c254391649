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

# The demo database $1, as `make run` makes it: a Chinese laboratory. The company
# is in China from the start (Odoo's `db init --country CN`: currency CNY), so
# installing lab_crm brings Odoo's Chinese chart of accounts (l10n_cn, installed
# with Invoicing for a company in China); Simplified Chinese is loaded, and
# lab_crm's demo data names the laboratory, its address and logo, and sets the
# demo users to Chinese (admin stays in English).
create_demo_db() {
    "$PYTHON" "$ODOO_SRC/odoo-bin" db -c "$ODOO_CONF" init "$1" --with-demo --country CN \
        && odoo -d "$1" -i lab_crm --with-demo --load-language zh_CN \
            --stop-after-init --log-level=warn
}
