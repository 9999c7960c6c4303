# Floor: `make run` serves the demo warehouse on http://127.0.0.1:8000; `make test` runs the suite.
# The venv's interpreter: the system's Python 3.11 first, where it can make a venv. A distribution
# builds CPython with profile-guided and link-time optimisation; pyenv's default build has neither,
# and spends 20-30 % more CPU on a scan (bench/inprocess.py, receive and pack scans).
PY ?= $(shell for p in /usr/bin/python3.11 python3.11 python3; do $$p -c 'import ensurepip' 2>/dev/null && command -v $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
# Made again when the requirements or the interpreter change.
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)-$(shell echo $(PY) | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes at once (pytest-xdist) for all but the browser walks, which run after, one at a
# time: one a core; 0 runs them in this process. Exit status 5: none of the tests asked for is of
# that kind.
TEST_WORKERS ?= auto

.PHONY: run serve test lint bench migrate demo messages contract clean

$(STAMP): requirements.txt
	@base() { "$$1" -c 'import os, sys; print(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))'; }; \
	if ! test -x $(BIN)/python || [ "$$(base $(BIN)/python)" != "$$(base $(PY))" ]; then rm -rf $(VENV) && $(PY) -m venv $(VENV); fi
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

# The embedded run: SQLite, in-memory channel layer, Celery in-process. DATABASE_URL and
# REDIS_URL in the environment switch the same command to PostgreSQL and Redis.
run: export DEBUG ?= 1
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
ifeq ($(strip $(REDIS_URL)),)
	$(BIN)/uvicorn floor.asgi:application --host $(HOST) --port $(PORT) --ws websockets-sansio --lifespan off
else
	HOST=$(HOST) $(BIN)/honcho start -f Procfile -p $(PORT)
endif

test: export SECRET_KEY ?= floor-test-secret-not-for-production
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run > /dev/null || (echo "Models changed without a migration: run manage.py makemigrations" && exit 1)
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/pytest -m browser $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# bench/run.py runs every scenario in bench/scenarios, among them the pair pick_scan and
# pick_scan_dashboards (the same scans with 20 supervisors' dashboards open beside them).
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/odoo_push.py
	$(BIN)/python bench/odoo_pull.py
	$(BIN)/python bench/wave_build.py
	$(BIN)/python bench/pick_path.py

messages: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py makemessages -l es -e html,txt,py,jinja --ignore=.venv --ignore=staticfiles --ignore=bench
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

# The Odoo recordings the test double loads (tests/odoo_double/README.md): take the newer ones from
# where they are made, saying what changed. Data from real servers, copied byte for byte.
CONTRACT_FROM ?= ../shared/odoo-contract
CONTRACT := tests/odoo_double/contract
contract:
	@test -f $(CONTRACT_FROM)/facts.json || { echo "No recordings at $(CONTRACT_FROM) (make contract CONTRACT_FROM=...)"; exit 1; }
	@if diff -rq $(CONTRACT) $(CONTRACT_FROM) >/dev/null 2>&1; then echo "$(CONTRACT) is already $(CONTRACT_FROM)"; else \
	  diff -rq $(CONTRACT) $(CONTRACT_FROM) | sed -e 's|^Only in $(CONTRACT_FROM)|added: in $(CONTRACT_FROM)|' \
	    -e 's|^Only in $(CONTRACT)|gone: in $(CONTRACT)|' -e 's|^Files \(.*\) and .* differ$$|changed: \1|'; \
	  rm -rf $(CONTRACT) && cp -R $(CONTRACT_FROM) $(CONTRACT) && chmod -R u+w,go+rX $(CONTRACT) && \
	  echo "$(CONTRACT) now holds $(CONTRACT_FROM): run make test, then commit it"; fi

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
