"""The engine: where the store lives (DATABASE_URL; SQLite under instance/ by default) and how
SQLite is set up so that two app processes can share one file."""

import os
import sqlite3
import time
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

# Runtime files (database, dev secrets); APP_INSTANCE_DIR moves them (tests, deployments).
INSTANCE_DIR = Path(os.environ.get("APP_INSTANCE_DIR")
                    or Path(__file__).resolve().parent.parent / "instance")
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'store.db'}"
# The largest id the store can hold: the id columns are INTEGER, 32 bits on PostgreSQL (64 on
# SQLite; the narrower one decides, so both stores answer alike).
SQL_INT_MAX = 2**31 - 1


def storable_id(user_id: int | None) -> bool:
    """Whether an id can name a row at all: a larger int overflows the column (PostgreSQL
    raised NumericValueOutOfRange for /user/2147483648: a 500), so it names no one: 404."""
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
        # WAL: readers never block the writer, so two app processes can share one file. It
        # stays in the file: set once (starters racing on a new file: one sets it, the others
        # may find it locked for that moment, and look again).
        for attempt in range(50):
            try:
                if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    cursor.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.05)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def upsert_for(bind: Engine | Connection):
    """The INSERT that has ON CONFLICT (both stores have it): one statement that inserts or
    updates, so concurrent writers of one key never collide (a SELECT-then-INSERT, or an
    UPDATE-then-INSERT, let two workers insert the same key: a 500 on PostgreSQL)."""
    return postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert
