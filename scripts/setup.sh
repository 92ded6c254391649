#!/usr/bin/env bash
# Sets up everything lab_crm needs to run and be tested, and is quick when it is
# already done: Debian packages, Odoo 19.0 source, a virtualenv, PostgreSQL and
# its role, and an Odoo configuration file. Safe to run again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. Debian packages, only those missing.
missing=()
command -v git >/dev/null || missing+=(git)
command -v psql >/dev/null && command -v pg_ctlcluster >/dev/null || missing+=(postgresql postgresql-client)
command -v pg_config >/dev/null || missing+=(libpq-dev)
command -v chromium >/dev/null || missing+=(chromium)
command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
[ -e /usr/lib/x86_64-linux-gnu/libmagic.so.1 ] || [ -n "$(ldconfig -p 2>/dev/null | grep libmagic.so.1)" ] || missing+=(libmagic1)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || missing+=(python3-dev)
command -v gcc >/dev/null || missing+=(gcc)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"; } >"/tmp/lab_crm-apt.log" 2>&1 \
        || die "could not install the Debian packages ${missing[*]} (see /tmp/lab_crm-apt.log); install them and run this again."
fi

# 2. Odoo 19.0 source: the copy at ODOO_SRC, or a fresh clone from GitHub.
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
    say "Odoo not found at $ODOO_SRC; cloning Odoo $ODOO_BRANCH from $ODOO_GIT_URL"
    mkdir -p "$(dirname "$ODOO_SRC")" 2>/dev/null || true
    if ! git clone -q --depth 1 --branch "$ODOO_BRANCH" "$ODOO_GIT_URL" "$ODOO_SRC" >/tmp/lab_crm-clone.log 2>&1; then
        die "Odoo 19.0 is not at ODOO_SRC=$ODOO_SRC and could not be cloned from $ODOO_GIT_URL; put an Odoo 19.0 source tree there (the folder holding odoo-bin) or set ODOO_SRC to one, then run this again."
    fi
fi
grep -qE "^version_info = \(19, " "$ODOO_SRC/odoo/release.py" 2>/dev/null \
    || die "ODOO_SRC=$ODOO_SRC does not hold Odoo 19.0 (odoo/release.py says otherwise); set ODOO_SRC to an Odoo 19.0 source tree."

# 3. Virtualenv with Odoo's requirements and the test tools.
#    On Python < 3.12 Odoo's older pins do not build, so its Python 3.12 pins are used.
stamp_src="$(cat "$ODOO_SRC/requirements.txt" "$REPO_DIR/requirements.txt" "$REPO_DIR/requirements-dev.txt" "$REPO_DIR/requirements-lint.txt")"
stamp="$(printf '%s' "$stamp_src" | sha1sum | cut -c1-16)"
if [ "$(cat "$LAB_CRM_VENV/.lab_crm-stamp" 2>/dev/null)" != "$stamp" ]; then
    say "preparing the virtualenv $LAB_CRM_VENV"
    [ -x "$PYTHON" ] || python3 -m venv "$LAB_CRM_VENV" || die "could not create a virtualenv at LAB_CRM_VENV=$LAB_CRM_VENV."
    "$PYTHON" -m pip install -q --upgrade pip setuptools wheel >/dev/null 2>&1
    "$PYTHON" - "$ODOO_SRC/requirements.txt" >"$LAB_CRM_VENV/odoo-requirements.txt" <<'PY'
import sys
from packaging.requirements import Requirement
env = {"python_version": "3.12", "python_full_version": "3.12.0"} if sys.version_info < (3, 12) else {}
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    req = Requirement(line)
    if req.marker and not req.marker.evaluate(env):
        continue
    if req.name.lower() == "python-ldap":  # LDAP login is not used by lab_crm
        continue
    req.marker = None
    print(req)
PY
    "$PYTHON" -m pip install -q -r "$LAB_CRM_VENV/odoo-requirements.txt" -r "$REPO_DIR/requirements.txt" -r "$REPO_DIR/requirements-dev.txt" >/tmp/lab_crm-pip.log 2>&1 \
        || die "installing Python packages failed (see /tmp/lab_crm-pip.log)."
    [ -x "$LINT_VENV/bin/python" ] || python3 -m venv "$LINT_VENV"
    "$LINT_VENV/bin/python" -m pip install -q -r "$REPO_DIR/requirements-lint.txt" >>/tmp/lab_crm-pip.log 2>&1 \
        || die "installing the linters failed (see /tmp/lab_crm-pip.log)."
    echo "$stamp" >"$LAB_CRM_VENV/.lab_crm-stamp"
fi

# 4. PostgreSQL up, with a dedicated role (Odoo refuses to run as postgres).
if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
    say "starting PostgreSQL"
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        for ver in $(ls /etc/postgresql); do
            as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start >/dev/null 2>&1 || true
        done
    fi
    pg_isready -q -h "$PGHOST" -p "$PGPORT" || as_root service postgresql start >/dev/null 2>&1 || true
    for _ in $(seq 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && break; sleep 1; done
    pg_isready -q -h "$PGHOST" -p "$PGPORT" || die "PostgreSQL does not answer on $PGHOST:$PGPORT and could not be started; start it and run this again."
fi
if [ "$(pg_super -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != 1 ]; then
    say "creating the PostgreSQL role $DB_USER"
    pg_super -d postgres -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
fi

# 5. Odoo configuration for this checkout.
mkdir -p "$LAB_CRM_STATE/data"
cat >"$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$REPO_DIR
data_dir = $LAB_CRM_STATE/data
db_host = $PGHOST
db_port = $PGPORT
db_user = $DB_USER
db_password = $DB_PASSWORD
http_interface = 127.0.0.1
http_port = $HTTP_PORT
gevent_port = $((HTTP_PORT + 3))
list_db = False
CONF
say "ready: Odoo $ODOO_SRC, virtualenv $LAB_CRM_VENV, config $ODOO_CONF"
