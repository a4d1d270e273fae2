# A newcomer needs two commands (python3 and make only): `make demo` and `make test`.
# uv is pinned (pyproject's required-version); when the uv on PATH is another version, or
# there is none, the pinned one is installed into .tools/ from PyPI.

UV_VERSION := 0.13.9
PYTHON ?= python3
TOOLS := .tools
UV_ON_PATH := $(shell command -v uv >/dev/null 2>&1 && [ "$$(uv --version | cut -d' ' -f2)" = "$(UV_VERSION)" ] && command -v uv)
UV := $(if $(UV_ON_PATH),$(UV_ON_PATH),$(TOOLS)/bin/uv)
V1 := .venv-v1/bin/python
V2 := .venv-v2/bin/python
# Never let uv fetch an interpreter: use the machine's python3.
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)

.PHONY: demo test test-v1 test-v2 lint venvs run-v1 run-v2 parity-matrix bench reset clean

demo: venvs
	$(V2) -m sidebyside.demo $(DEMO_ARGS)

test: lint test-v1 test-v2

test-v1: venvs
	$(V1) -m pytest tests/shared tests/contract tests/v1

test-v2: venvs
	$(V2) -m pytest tests/shared tests/contract tests/v2 tests/parity tests/security tests/docs

lint: venvs
	.venv-v2/bin/ruff check .

venvs: .venv-v1/.synced .venv-v2/.synced

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# One lock for both stacks; --locked fails instead of silently re-resolving.
.venv-%/.synced: pyproject.toml uv.lock | $(UV)
	UV_PROJECT_ENVIRONMENT=.venv-$* $(UV) sync --locked --group $* --quiet
	touch $@

run-v1: venvs
	APP_DEV_MODE=1 $(V1) -m v1_basic_jwt

run-v2: venvs
	APP_DEV_MODE=1 $(V2) -m v2_jwt_extended

parity-matrix: venvs
	$(V2) -m sidebyside.matrix --write migration_notes.md

bench: venvs
	$(V2) -m sidebyside.bench

# Empty the local store and dev secrets (instance/); the environments stay.
reset:
	rm -rf instance

clean:
	rm -rf .venv-v1 .venv-v2 $(TOOLS) instance .pytest_cache
