#!/usr/bin/env bash
# Re-exports lab_crm/i18n/lab_crm.pot from the `make run` database (after updating
# lab_crm in it), merges the new terms into zh_CN.po, left to translate, and
# regenerates zh_TW.po from zh_CN.po (scripts/zh_tw.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
LAB_CRM_DB="${LAB_CRM_DB:-lab_crm}"
odoo -d "$LAB_CRM_DB" -u lab_crm --stop-after-init --log-level=warn || die "update lab_crm in $LAB_CRM_DB first (make run)."
"$PYTHON" "$ODOO_SRC/odoo-bin" i18n export -c "$ODOO_CONF" -d "$LAB_CRM_DB" lab_crm
"$PYTHON" - "$REPO_DIR/lab_crm/i18n" <<'PY'
import sys, polib
folder = sys.argv[1]
pot = polib.pofile(f"{folder}/lab_crm.pot")
for lang in ("zh_CN",):
    po = polib.pofile(f"{folder}/{lang}.po")
    po.merge(pot)
    po.save()
    print(f"{lang}: {len(po.untranslated_entries())} entries to translate")
PY
"$PYTHON" "$REPO_DIR/scripts/zh_tw.py" "$REPO_DIR/lab_crm/i18n"
