# lab_crm: `make run` serves a local Odoo with lab_crm and demo data at
# http://127.0.0.1:8069; `make test` runs every test. See README.md.
.PHONY: setup run test lint pot screenshots clean

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

lint:
	bash scripts/lint.sh

pot:
	bash scripts/pot.sh

screenshots:
	bash scripts/screenshots.sh

clean:
	rm -rf .state
