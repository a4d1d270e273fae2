import secrets
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert

from shared import Store
from shared.models import User, now_utc
from sidebyside.databases import fresh_store_url
from sidebyside.servers import venv_python

pytest_plugins = ["tests.live"]

REPO = Path(__file__).resolve().parent.parent
# Which stack this interpreter is: the tests of one stack never import the other's libraries.
# (.venv-v1, or .venv-py3.12-v1 and the like for another interpreter: see the Makefile)
STACK = "v1" if Path(sys.prefix).name.endswith("-v1") else "v2"
OTHER_PYTHON = venv_python({"v1": "v2", "v2": "v1"}[STACK])
THIS_PYTHON = Path(sys.executable)

# Every Store a test opens (directly or inside an app) is closed after it: Python 3.13 warns
# about SQLite connections left to the garbage collector, and warnings are errors here.
OPENED: list[Store] = []


def opened(store: Store) -> Store:
    OPENED.append(store)
    return store


@pytest.fixture(autouse=True)
def _close_opened_stores() -> Iterator[None]:
    yield
    while OPENED:
        OPENED.pop().close()


def reuse_id(store: Store, user_id: int, username: str) -> None:
    """Insert an admin with a given (freed) id, as a restored backup or an older store
    without AUTOINCREMENT could: what the account generation must hold against."""
    now = now_utc()
    with store.engine.begin() as conn:
        conn.execute(insert(User).values(
            id=user_id, username=username, username_key=username.casefold(),
            password_hash="not a hash", is_admin=True, created_at=now, tokens_valid_from=now))


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A fresh store for this test: SQLite, or a PostgreSQL schema (sidebyside/databases.py)."""
    with fresh_store_url(tmp_path) as url:
        yield url


@pytest.fixture
def secret_key() -> str:
    return secrets.token_hex(32)


def racing(*jobs: Callable[[], object]) -> list[object]:
    """Run the jobs at once (a barrier releases them together): each one's result, or the
    exception it raised (the test says which outcomes are allowed)."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except Exception as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return results
