"""The store both apps call: one class, assembled from one module per concern (users.py,
items.py, revocation.py, throttling.py), plus what the whole store needs: the schema and its
lifecycle. Returns plain records (records.py), never ORM objects."""

import os
import time
from datetime import timedelta

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.schema import CreateIndex, CreateTable

from shared.database import DEFAULT_DATABASE_URL, INSTANCE_DIR, make_engine
from shared.errors import ConfigError
from shared.items import ItemStore
from shared.legacy import LegacyUseStore
from shared.models import Base
from shared.passwords import Passwords
from shared.records import ItemRecord, UserRecord
from shared.revocation import RevocationStore
from shared.throttling import LoginThrottle
from shared.users import UserStore

__all__ = ["INSTANCE_DIR", "ItemRecord", "Store", "UserRecord"]

# The advisory lock's key (any bigint): held only while the schema is created, at start.
SCHEMA_LOCK = 0x6A77_7473_746F_7265  # "jwtstore"


class Store(UserStore, ItemStore, RevocationStore, LegacyUseStore):
    """The store API both apps call (users, items, revocation, the bridge's legacy-token
    uses: one module each)."""

    def __init__(
        self,
        url: str | None = None,
        *,
        cheap_hashing_for_tests: bool = False,
        max_login_failures: int = 10,
        max_client_failures: int = 100,
        failure_window: timedelta = timedelta(minutes=15),
        max_registrations_per_client: int = 50,
    ):
        self.url = url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        self.engine = make_engine(self.url)
        self.session = sessionmaker(self.engine, expire_on_commit=False)
        self.passwords = Passwords(cheap_for_tests=cheap_hashing_for_tests)
        self.throttle = LoginThrottle(self.session, per_account=max_login_failures,
                                      per_client=max_client_failures, window=failure_window,
                                      registrations_per_client=max_registrations_per_client)

    def init_schema(self) -> None:
        """Create missing tables. Several processes may start at once on a new store (two
        apps, gunicorn's workers). PostgreSQL: they queue on an advisory lock, because two
        concurrent CREATE TABLEs collide in its catalogue (one worker failed to boot and took
        the server down). SQLite: CREATE ... IF NOT EXISTS, which cannot collide (create_all's
        check-then-create lost to another starter once per table: 3 retries ran out at 6
        tables)."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as conn:
                conn.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK)))
                Base.metadata.create_all(conn)
        else:
            self._create_sqlite_schema()
        self._refuse_an_older_schema()

    def _create_sqlite_schema(self, attempts: int = 20) -> None:
        """Each statement reads the schema, then writes: when another starter committed in
        between, SQLite refuses the upgrade at once ("database is locked", no busy wait, to
        avoid a deadlock). IF NOT EXISTS makes a retry harmless (8 starters on a loaded
        machine hit it once in test-pythons)."""
        for attempt in range(attempts):
            try:
                with self.engine.begin() as conn:
                    for table in Base.metadata.sorted_tables:
                        conn.execute(CreateTable(table, if_not_exists=True))
                        for index in table.indexes:
                            conn.execute(CreateIndex(index, if_not_exists=True))
                return
            except OperationalError as e:
                if "locked" not in str(e) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    def _refuse_an_older_schema(self) -> None:
        """create_all() adds missing tables, never missing columns: a store made by an older
        version of this project would fail on its first query. Say so at start instead."""
        found = inspect(self.engine)
        for table in Base.metadata.sorted_tables:
            have = {column["name"] for column in found.get_columns(table.name)}
            missing = sorted(set(table.columns.keys()) - have)
            if missing:
                raise ConfigError(
                    f"The store at {self.engine.url.render_as_string(hide_password=True)} was "
                    f"made by an older version (table {table.name} lacks {', '.join(missing)}). "
                    "Start a fresh one: `make reset` for the local store, or a new DATABASE_URL."
                )

    def close(self) -> None:
        """Close every pooled connection. Whoever makes a Store closes it (or uses `with`):
        Python 3.13 warns about every SQLite connection left to the garbage collector."""
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- introspection for tests and the CLI --------------------------------------------

    def row_counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                table.name: s.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
            }
