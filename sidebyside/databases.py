"""Where the stores of tests and demos live: one place, so that one setting moves them all.

By default a fresh SQLite file. With STORE_TEST_POSTGRES set to a PostgreSQL database URL
(`make test-postgres` sets it), a fresh schema in that database each time, dropped after:
every connection to it carries `search_path=<schema>`, the apps and the CLI included.
"""

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine

POSTGRES_ENV = "STORE_TEST_POSTGRES"


def postgres_server() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@contextlib.contextmanager
def fresh_store_url(workdir: Path, name: str = "store", *,
                    postgres: bool | None = None) -> Iterator[str]:
    """A fresh, empty store's URL; postgres=None: PostgreSQL when STORE_TEST_POSTGRES is set."""
    server = postgres_server()
    if postgres is False or server is None:
        if postgres:
            raise RuntimeError(f"{POSTGRES_ENV} is not set")
        yield f"sqlite:///{workdir / f'{name}.db'}"
        return
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(server)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        try:
            yield f"{server}?options={quote(f'-csearch_path={schema}')}"
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        admin.dispose()
