"""The notes' "Running it for real": what `make test-postgres` runs, and how."""

import inspect
import re

from flask.testing import FlaskClient

from sidebyside.servers import REPO, running_apps, workers_from_env
from tests.contract import conftest as contract


def recipe(target: str) -> list[str]:
    makefile = (REPO / "Makefile").read_text()
    body = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in body.splitlines()[1:]]


def test_make_test_postgres_serves_only_the_live_server_suites_under_gunicorn(
        monkeypatch, db_url, secret_key):
    """Every suite of the target runs on the throwaway PostgreSQL; APP_SERVER_WORKERS=4 puts
    the apps that the live-server suites start (parity, security, workers: running_apps)
    under gunicorn with 4 workers, while the store and contract suites drive the app in
    process, through a Flask test client."""
    assert "with-postgres" in recipe("test-postgres")[0]
    lines = recipe("test-postgres-suites")
    suites = {suite for line in lines for suite in re.findall(r"tests/(\w+)", line)}
    assert suites == {"shared", "contract", "parity", "security", "workers"}
    assert all(line.startswith("APP_SERVER_WORKERS=4 ") for line in lines)
    monkeypatch.setenv("APP_SERVER_WORKERS", "4")
    assert workers_from_env() == 4
    source = inspect.getsource(running_apps)
    assert "GunicornServer(name, env, log, port," in source and "workers=workers)" in source
    assert "if workers else AppServer(" in source
    assert isinstance(contract.make_app(db_url, secret_key).test_client(), FlaskClient)
