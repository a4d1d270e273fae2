"""The engine: where the store lives (DATABASE_URL; SQLite under instance/ by default) and how
SQLite is set up so that two app processes can share one file."""

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

# Runtime files (database, dev secrets); APP_INSTANCE_DIR moves them (tests, deployments).
INSTANCE_DIR = Path(os.environ.get("APP_INSTANCE_DIR")
                    or Path(__file__).resolve().parent.parent / "instance")
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'store.db'}"
SQL_INT_MAX = 2**63 - 1  # the largest id SQLite (and PostgreSQL BIGINT) can hold


def storable_id(user_id: int | None) -> bool:
    """Whether an id can name a row at all: a larger int would overflow the driver."""
    return user_id is not None and 0 < user_id <= SQL_INT_MAX


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    path = url.removeprefix("sqlite:///")
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # timeout = SQLite's busy timeout: a writer waits for the other app's writer, not errors.
    engine = create_engine(url, connect_args={"timeout": 15})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL: readers never block the writer, so two app processes can share one file.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine
