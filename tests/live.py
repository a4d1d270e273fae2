"""Both apps as real servers (each in its own venv), started once per test session and
shared by the parity and security suites (a pytest plugin, see tests/conftest.py)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from sidebyside.matrix import run_all, world_for
from sidebyside.scenarios import World
from sidebyside.servers import AppServer, running_apps


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("parity")


# The suites below send hundreds of failed logins from 127.0.0.1 on purpose (fuzzing, attacks):
# the per-address cap across accounts would end them early. Its own test starts servers with
# the default cap (tests/security/test_account_safety.py).
SUITE_ENV = {"LOGIN_MAX_FAILURES_PER_CLIENT": "100000"}


@pytest.fixture(scope="session")
def servers(workdir: Path):
    with running_apps(workdir, SUITE_ENV) as started:
        yield started


@pytest.fixture(scope="session")
def world(servers: dict[str, AppServer], workdir: Path) -> Iterator[World]:
    built = world_for(servers, workdir)
    yield built
    built.store.close()


@pytest.fixture(scope="session")
def results(world: World):
    """Every scenario, run once against both servers; each test then checks one."""
    return run_all(world)
