# A newcomer needs two commands (python3 and make only): `make demo` and `make test`.
# uv is pinned (pyproject's required-version); when the uv on PATH is another version, or
# there is none, the pinned one is installed into .tools/ from PyPI.

UV_VERSION := 0.13.9
PYTHON ?= python3
TOOLS := .tools
UV_ON_PATH := $(shell command -v uv >/dev/null 2>&1 && [ "$$(uv --version | cut -d' ' -f2)" = "$(UV_VERSION)" ] && command -v uv)
UV := $(if $(UV_ON_PATH),$(UV_ON_PATH),$(TOOLS)/bin/uv)
# One pair of environments per interpreter: .venv-v1/.venv-v2 for the default python3,
# .venv-py3.12-v1/.venv-py3.12-v2 for `make test PYTHON=python3.12`, so they never clash.
# (The harness finds the pair beside the interpreter that runs it: sidebyside/servers.py.)
ifeq ($(origin PYTHON),file)
VENV := .venv-
else
VENV := .venv-py$(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')-
endif
V1 := $(VENV)v1/bin/python
V2 := $(VENV)v2/bin/python
# The CPythons the project supports (requires-python); `make test-pythons` runs each found.
SUPPORTED_PYTHONS := 3.11 3.12 3.13
# Never let uv fetch an interpreter: use the machine's python3.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

# (.venv-fje3: the course's Flask-JWT-Extended 3.25.1, for the codemod's proof only.)
.PHONY: exercise fuzz grade report mutants coverage coverage-erase coverage-summary upgrade demo test test-v1 test-v2 test-zones test-pythons test-postgres test-postgres-suites lint venvs run-v1 run-v2 parity-matrix bench reset clean

demo: venvs
	$(V2) -m sidebyside.demo $(DEMO_ARGS)

test: lint coverage-erase test-v1 test-v2 test-zones coverage-summary

test-v1: venvs
	$(V1) -m coverage run -m pytest tests/shared tests/contract tests/v1

# Suites whose servers the parity suite already runs under every interpreter: the grader's
# (~15 pairs of servers), the browser's (chromium, Playwright) and the API clients' generated
# files (make clients runs newman and bru; CI runs it). make test runs them once;
# make test-pythons leaves them out (ONCE_SUITES=), as it does ZONES.
ONCE_SUITES := tests/exercise tests/browser tests/clients/test_generated.py
test-v2: venvs
	$(V2) -m coverage run -m pytest tests/shared tests/contract tests/v2 tests/parity tests/security tests/workers tests/codemod tests/docs $(ONCE_SUITES)

# The suites that touch time, again east and west of UTC (POSIX TZ strings: no tz database
# needed): the store keeps naive UTC, and reading it, or a token's exp, as local time is
# invisible in UTC alone. The live servers inherit TZ.
ZONES := EAST-5:30 WEST8
test-zones: venvs
	@for zone in $(ZONES); do echo "TZ=$$zone"; \
	  TZ=$$zone $(V1) -m pytest -q -p no:cacheprovider tests/shared tests/contract || exit 1; \
	  TZ=$$zone $(V2) -m pytest -q -p no:cacheprovider tests/shared tests/contract \
	    tests/v2/test_bridge.py tests/security/test_account_safety.py || exit 1; \
	done

lint: venvs
	$(VENV)v2/bin/ruff check .
	$(V1) -m mypy --cache-dir .mypy_cache/v1 v1_basic_jwt shared api_common
	$(V2) -m mypy --cache-dir .mypy_cache/v2 v2_jwt_extended shared api_common sidebyside jwt_upgrade

# Branch coverage of both stacks combined, live servers included: one line at the end of
# make test (the floor is fail_under in pyproject.toml); make coverage writes htmlcov/.
coverage-erase: venvs
	@$(V2) -m coverage erase

# The floor holds for the whole of make test; make test-pythons leaves out the once-suites
# (ONCE_SUITES=), so there the total is shown but not held to it.
coverage-summary: venvs
	@$(V2) -m coverage combine --quiet
	@echo "coverage (branch; v1 + v2, servers included): $$($(V2) -m coverage report --format=total)% (floor: fail_under in pyproject.toml$(if $(ONCE_SUITES),, - not held: ONCE_SUITES is empty))"
	@$(if $(ONCE_SUITES),$(V2) -m coverage report > /dev/null,true)

coverage: test
	$(V2) -m coverage html --quiet
	@echo "coverage report: htmlcov/index.html"

# The store, contract, parity, security and worker suites on a throwaway PostgreSQL cluster,
# each app under gunicorn with 4 workers (.ci/with-postgres starts and always stops it).
test-postgres: venvs
	bash .ci/with-postgres $(MAKE) --no-print-directory test-postgres-suites

test-postgres-suites:
	APP_SERVER_WORKERS=4 $(V1) -m pytest tests/shared tests/contract
	APP_SERVER_WORKERS=4 $(V2) -m pytest tests/shared tests/contract tests/parity tests/security tests/workers

# One self-contained HTML page of a fresh parity run (its path is the last line printed).
report: venvs
	$(V2) -m sidebyside.report

# The mutant catalogue (tests/mutants): each sabotage, applied to a scratch copy, must turn its
# narrow test subset red.
mutants: venvs
	$(V2) -m tests.mutants.run

# Each supported CPython found (on PATH, or under pyenv), the whole suite, one line each.
test-pythons:
	@bash .ci/test-pythons $(SUPPORTED_PYTHONS)

venvs: $(VENV)v1/.synced $(VENV)v2/.synced $(VENV)fje3/.synced

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# One lock for both stacks; --locked fails instead of silently re-resolving.
$(VENV)%/.synced: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=$(VENV)$* $(UV) sync --locked --group $* --quiet
	touch $@

run-v1: venvs
	APP_DEV_MODE=1 $(V1) -m v1_basic_jwt

run-v2: venvs
	APP_DEV_MODE=1 $(V2) -m v2_jwt_extended

# jwt_upgrade, the Flask-JWT-Extended 3.x -> 4.x codemod: make upgrade PATHS="app.py resources/"
# PATHS are relative to the folder make was called from (make's PWD): from your project,
# `make -C path/to/this/clone upgrade PATHS=app.py` reads ./app.py. `UPGRADE_ARGS=--rules`
# lists the rule ids.
upgrade: venvs
	$(V2) -m jwt_upgrade --base "$(PWD)" $(UPGRADE_ARGS) $(PATHS)

# jwt_upgrade's real-code corpus: the pinned repositories (tests/codemod/realworld/pins.py) into the
# ignored corpus/ folder, from CORPUS_MIRRORS (a folder of owner+name/repo git mirrors) or GitHub,
# and the per-repository report (corpus/report.md) that the notes' codemod section quotes.
.PHONY: corpus
corpus: venvs
	$(V2) -m tests.codemod.realworld

# Exercise mode: the starters (generated from v2's solution markers and from v1), and the
# grader that runs the parity catalogue against a learner's package (see the README).
EXERCISE_DIR ?= exercise
exercise: venvs
	$(V2) -m sidebyside.exercise $(EXERCISE_DIR)

grade: venvs
	$(V2) -m sidebyside.exercise.grade $(EXERCISE_DIR) $(GRADE_ARGS)

# Schemathesis against each app's own /openapi.json, both apps live (part of CI).
fuzz: venvs
	$(V2) -m sidebyside.fuzz $(FUZZ_ARGS)

parity-matrix: venvs
	$(V2) -m sidebyside.matrix --write migration_notes.md

# SQLite, and PostgreSQL too where its server binaries are installed (a throwaway cluster).
bench: venvs
	if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; then \
	  bash .ci/with-postgres $(V2) -m sidebyside.bench; else $(V2) -m sidebyside.bench; fi

# The same bench with v2 also on the upstream patches (upstream/README.md): throwaway copies
# of .venv-v2 in the ignored .bench-upstream/, patched there, never in .venv-*; SQLite.
# Its last line: v2/v1 protected: X stock, Y patched FJE, Z patched FJE+PyJWT (control ...).
# The patches' own checks (parse counts, PyJWT's refusals, FJE's checks at the same point):
# make test-upstream, about 30 s.
.PHONY: bench-upstream test-upstream upstream-suites
BENCH_UPSTREAM_WORKERS ?= 1
bench-upstream: venvs
	UV=$(UV) $(V2) -m sidebyside.bench --upstream --rounds 15 --workers $(BENCH_UPSTREAM_WORKERS)

test-upstream: venvs
	UV=$(UV) $(V2) -m pytest tests/upstream

# The libraries' own test suites at the pinned releases, stock and patched (PyPI needed).
upstream-suites: venvs
	UV=$(UV) $(V2) -m upstream.suites

# The API clients (clients/, generated by sidebyside/walkthrough.py): the pinned Node tools
# (npm ci from package-lock.json, again only when the lock changes), then newman, Bruno's CLI
# and httpyac against both apps as real servers, twice in a row on one store; it fails when a
# run fails, leaves something in the store, or a generated file is out of date.
.PHONY: clients
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

clients: venvs node_modules/.installed
	$(V2) -m sidebyside.walkthrough --run

# Empty the local store and dev secrets (instance/); the environments stay, and so does the
# last report (instance/report.html: make report writes a new one).
reset:
	@if [ -d instance ]; then find instance -mindepth 1 -maxdepth 1 ! -name report.html -exec rm -rf {} +; fi
	@echo "instance/ emptied (store, dev secrets)$$([ -f instance/report.html ] && echo '; kept instance/report.html')"

clean:
	rm -rf .venv-v1 .venv-v2 .venv-fje3 .venv-py* $(TOOLS) instance .pytest_cache
