# motcua: `make help` lists the targets.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
PORT ?= 8000
SIM_PORT ?= 8090

.PHONY: help install demo test test-sqlite test-postgres lint bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed  ## create .venv and install motcua with its dev tools

demo: export MOTCUA_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
demo: export MOTCUA_NATIONAL_PORTAL_URL ?= http://127.0.0.1:$(SIM_PORT)
demo: export MOTCUA_POST_URL ?= http://127.0.0.1:8092
demo: export MOTCUA_PAYMENT_URL ?= http://127.0.0.1:8093
demo: export MOTCUA_ZALO_URL ?= http://127.0.0.1:8094
demo: export MOTCUA_SMS_URL ?= http://127.0.0.1:8095
demo: export MOTCUA_POPULATION_URL ?= http://127.0.0.1:8097
demo: export MOTCUA_VNEID_URL ?= http://127.0.0.1:8096
demo: install  ## install, load the demo province on SQLite, serve on http://127.0.0.1:$(PORT) with the job worker and the outside systems' simulators
	$(BIN)/motcua demo
	@echo "motcua: http://127.0.0.1:$(PORT)/  (citizens: /portal/, staff: /office/, dashboard: /reports/dashboard/, admin: /admin/, API docs: /api/v1/docs)"
	@echo "beside it: motcua worker (jobs, outbox: /admin/jobs/outboxmessage/) and the simulators (faults: POST <simulator>/_sim/faults):"
	@echo "  national portal $(MOTCUA_NATIONAL_PORTAL_URL), post $(MOTCUA_POST_URL), payment $(MOTCUA_PAYMENT_URL), Zalo ZNS $(MOTCUA_ZALO_URL), SMS $(MOTCUA_SMS_URL), population database $(MOTCUA_POPULATION_URL), VNeID $(MOTCUA_VNEID_URL), and the test PKI's OCSP/CRL/timestamp services (signing)"
	@$(BIN)/motcua simulate national-portal --port $(SIM_PORT) & sim=$$!; \
	$(BIN)/motcua simulate post --port 8092 --auto-advance 60 & post=$$!; \
	$(BIN)/motcua simulate payment --port 8093 --callback-url http://127.0.0.1:$(PORT)/api/v1/payments/national/confirm --return-url http://127.0.0.1:$(PORT)/payments/return/ & pay=$$!; \
	$(BIN)/motcua simulate zalo --port 8094 & zalo=$$!; \
	$(BIN)/motcua simulate sms --port 8095 & sms=$$!; \
	$(BIN)/motcua simulate population --port 8097 & pop=$$!; \
	$(BIN)/motcua simulate vneid --port 8096 & vneid=$$!; \
	$(BIN)/python -m motcua.signing.pki serve & pki=$$!; \
	$(BIN)/motcua worker & worker=$$!; \
	trap 'kill $$worker $$sim $$post $$pay $$zalo $$sms $$pop $$vneid $$pki 2>/dev/null; wait $$worker $$sim $$post $$pay $$zalo $$sms $$pop $$vneid $$pki 2>/dev/null' EXIT INT TERM; \
	$(BIN)/motcua runserver 0.0.0.0:$(PORT)

test: install  ## lint, migration check and the whole suite on SQLite and PostgreSQL (if reachable)
	VENV=$(VENV) scripts/test.sh

lint: install  ## ruff and mypy (domain core)
	$(BIN)/ruff check motcua tests bench
	$(BIN)/mypy

bench: install  ## run the benchmarks (see bench/README.md)
	$(BIN)/python bench/run_all.py

clean:  ## remove the virtualenv and local data
	rm -rf $(VENV) var
