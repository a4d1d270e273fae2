"""The store API both apps call. Returns plain records, never ORM objects, so nothing leaks a
database session into a Flask request."""

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    bindparam,
    create_engine,
    delete,
    event,
    exists,
    func,
    inspect,
    literal,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker

from shared import validation
from shared.errors import AlreadyExists, ConfigError, InvalidCredentials, NotFound
from shared.models import Base, Item, RevokedToken, User, now_utc
from shared.passwords import Passwords
from shared.throttling import LoginThrottle

# Runtime files (database, dev secrets); APP_INSTANCE_DIR moves them (tests, deployments).
INSTANCE_DIR = Path(os.environ.get("APP_INSTANCE_DIR")
                    or Path(__file__).resolve().parent.parent / "instance")
SQL_INT_MAX = 2**63 - 1  # the largest id SQLite (and PostgreSQL BIGINT) can hold
DEFAULT_DATABASE_URL = f"sqlite:///{INSTANCE_DIR / 'store.db'}"


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    is_admin: bool
    created_at: datetime
    tokens_valid_from: datetime

    def to_json(self) -> dict:
        return {"id": self.id, "username": self.username, "is_admin": self.is_admin}

    def issued_this_generation(self, iat: object) -> bool:
        """Whether a token issued at `iat` (its claim: Unix seconds, to the microsecond in
        our tokens) belongs to this account as it is now: not older than the account's
        creation or its last password change. No usable iat: no."""
        if isinstance(iat, bool) or not isinstance(iat, int | float) or not math.isfinite(iat):
            return False
        valid_from = self.tokens_valid_from.replace(tzinfo=UTC).timestamp()
        return round(iat * 1_000_000) >= round(valid_from * 1_000_000)


@dataclass(frozen=True)
class ItemRecord:
    id: int
    name: str
    price: float

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "price": self.price}


def _storable_id(user_id: int | None) -> bool:
    """Whether an id can name a row at all: a larger int would overflow the driver."""
    return user_id is not None and 0 < user_id <= SQL_INT_MAX


def _key(username: object) -> str:
    return validation.username_key(validation.clean_username(username))


def _user(row) -> UserRecord:
    return UserRecord(row.id, row.username, row.is_admin, row.created_at, row.tokens_valid_from)


def _item(row) -> ItemRecord:
    return ItemRecord(row.id, row.name, row.price)


# The reads on every protected request, built once and run through Core: an ORM Session
# (identity map, unit of work, object loading) per read cost more than the query itself.
USER_COLUMNS = (User.id, User.username, User.is_admin, User.created_at, User.tokens_valid_from)
USER_BY_ID = select(*USER_COLUMNS).where(User.id == bindparam("user_id"))
ITEM_BY_NAME = select(Item.id, Item.name, Item.price).where(Item.name == bindparam("name"))
# v2 asks two questions of every token, revoked? and whose?: one statement answers both.
_one_row = select(literal(1).label("one")).subquery()
USER_AND_REVOCATION = select(
    *USER_COLUMNS,
    # Two fixed parameters, not an expanding list: that would re-render the SQL every call.
    exists().where(RevokedToken.jti.in_([bindparam("jti"), bindparam("linked_jti")]))
    .label("revoked"),
).select_from(_one_row.outerjoin(User, User.id == bindparam("user_id")))


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


class Store:
    def __init__(
        self,
        url: str | None = None,
        *,
        cheap_hashing_for_tests: bool = False,
        max_login_failures: int = 10,
        max_client_failures: int = 100,
        failure_window: timedelta = timedelta(minutes=15),
    ):
        self.url = url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
        if self.url.startswith("sqlite:///"):
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True)
        self.session = sessionmaker(self.engine, expire_on_commit=False)
        self.passwords = Passwords(cheap_for_tests=cheap_hashing_for_tests)
        self.throttle = LoginThrottle(self.session, per_account=max_login_failures,
                                      per_client=max_client_failures, window=failure_window)

    def init_schema(self) -> None:
        """Create missing tables. Two apps may start at once on one new file: the loser of
        that race sees 'already exists' and simply checks again."""
        for attempt in range(3):
            try:
                Base.metadata.create_all(self.engine)
                break
            except OperationalError:
                if attempt == 2:
                    raise
        self._refuse_an_older_schema()

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

    # --- users -------------------------------------------------------------------------

    def register(self, username: object, password: object) -> UserRecord:
        name = validation.clean_username(username)
        secret = validation.clean_password(password)
        now = now_utc()
        row = User(
            username=name,
            username_key=validation.username_key(name),
            password_hash=self.passwords.hash(secret),
            is_admin=False,
            created_at=now,
            tokens_valid_from=now,  # tokens older than the account are not its tokens
        )
        # A plain INSERT, no check-then-insert: the unique constraint decides, so a concurrent
        # duplicate (from this process or the other app) becomes AlreadyExists, never a 500.
        try:
            with self.session.begin() as s:
                s.add(row)
        except IntegrityError:
            raise AlreadyExists("A user with that username already exists.") from None
        return _user(row)

    def authenticate(self, username: object, password: object,
                     client: str = "") -> UserRecord | None:
        """What Flask-JWT's authenticate() and v2's /login both need: the user, or None.

        Throttled per (account, client address) and per address, across both apps; a
        successful login with outdated hash parameters rehashes the password."""
        name = validation.clean_username(username)
        secret = validation.login_password(password)
        key = validation.username_key(name)
        self.throttle.refuse_if_throttled(key, client)
        with self.session() as s:
            row = s.scalar(select(User).where(User.username_key == key))
        if row is None:
            self.passwords.burn_time(secret)
            self.throttle.record_failure(key, client)
            return None
        if not self.passwords.verify(row.password_hash, secret):
            self.throttle.record_failure(key, client)
            return None
        self.throttle.forget_failures(key, client)
        if self.passwords.needs_rehash(row.password_hash):
            with self.session.begin() as s:
                s.execute(update(User).where(User.id == row.id)
                          .values(password_hash=self.passwords.hash(secret)))
        return _user(row)

    def change_password(self, user_id: int, old_password: object, new_password: object,
                        client: str = "") -> UserRecord:
        """Check the old password (a wrong one counts as a failed login), store the new one,
        and start a new account generation: every token issued before now stops working."""
        old = validation.login_password(old_password)
        new = validation.clean_password(new_password)
        user = self.get_user(user_id)
        if user is None:
            raise NotFound("User not found.")
        key = _key(user.username)
        self.throttle.refuse_if_throttled(key, client)
        with self.session() as s:
            current_hash = s.scalar(select(User.password_hash).where(User.id == user_id))
        if current_hash is None or not self.passwords.verify(current_hash, old):
            self.throttle.record_failure(key, client)
            raise InvalidCredentials(
                "The old password is wrong. Send your current password as 'old_password'.")
        with self.session.begin() as s:
            # Only if the hash is still the one just verified: of two concurrent changes
            # with the same old password, one wins and the other is told to retry.
            changed = s.execute(
                update(User)
                .where(User.id == user_id, User.password_hash == current_hash)
                .values(password_hash=self.passwords.hash(new), tokens_valid_from=now_utc())
            ).rowcount
        if not changed:
            raise InvalidCredentials("The password changed meanwhile. Log in again.")
        return self.get_user(user_id) or user

    def get_user(self, user_id: int) -> UserRecord | None:
        if not _storable_id(user_id):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(USER_BY_ID, {"user_id": user_id}).first()
        return _user(row) if row else None

    def find_user(self, username: object) -> UserRecord | None:
        key = _key(username)
        with self.session() as s:
            row = s.scalar(select(User).where(User.username_key == key))
            return _user(row) if row else None

    def delete_user(self, user_id: int) -> None:
        if not _storable_id(user_id):
            raise NotFound("User not found.")
        with self.session.begin() as s:
            if s.execute(delete(User).where(User.id == user_id)).rowcount == 0:
                raise NotFound("User not found.")

    def set_admin(self, username: object, is_admin: bool) -> UserRecord:
        key = _key(username)
        with self.session.begin() as s:
            row = s.scalar(select(User).where(User.username_key == key))
            if row is None:
                raise NotFound("User not found.")
            row.is_admin = is_admin
            return _user(row)

    def list_users(self) -> list[UserRecord]:
        with self.session() as s:
            return [_user(r) for r in s.scalars(select(User).order_by(User.id))]

    # --- items -------------------------------------------------------------------------

    def get_item(self, name: object) -> ItemRecord | None:
        clean = validation.clean_item_name(name)
        with self.engine.connect() as conn:
            row = conn.execute(ITEM_BY_NAME, {"name": clean}).first()
        return _item(row) if row else None

    def list_items(self) -> list[ItemRecord]:
        with self.session() as s:
            return [_item(r) for r in s.scalars(select(Item).order_by(Item.id))]

    def create_item(self, name: object, price: object) -> ItemRecord:
        row = Item(name=validation.clean_item_name(name), price=validation.clean_price(price))
        try:
            with self.session.begin() as s:
                s.add(row)
        except IntegrityError:
            raise AlreadyExists(f"An item named '{row.name}' already exists.") from None
        return _item(row)

    def put_item(self, name: object, price: object) -> tuple[ItemRecord, bool]:
        """Create or update; returns (item, created)."""
        clean, value = validation.clean_item_name(name), validation.clean_price(price)
        with self.session.begin() as s:
            row = s.scalar(select(Item).where(Item.name == clean))
            if row is not None:
                row.price = value
                return _item(row), False
        try:
            return self.create_item(clean, value), True
        except AlreadyExists:
            return self.put_item(clean, value)  # created by someone else meanwhile: update it

    def delete_item(self, name: object) -> None:
        clean = validation.clean_item_name(name)
        with self.session.begin() as s:
            if s.execute(delete(Item).where(Item.name == clean)).rowcount == 0:
                raise NotFound("Item not found.")

    # --- token revocation (v2) ---------------------------------------------------------

    def revoke(self, tokens: Iterable[tuple[str, int]]) -> None:
        """Revoke (jti, exp) pairs, exp as in the token (Unix seconds). Entries whose token
        has expired anyway are pruned here, so the table stays as small as the live tokens."""
        with self.session.begin() as s:
            s.execute(delete(RevokedToken).where(RevokedToken.expires_at < now_utc()))
            for jti, exp in tokens:
                expires_at = datetime.fromtimestamp(exp, UTC).replace(tzinfo=None)
                s.merge(RevokedToken(jti=jti, expires_at=expires_at))

    def user_and_revocation(self, user_id: int | None, jti: str | None,
                            linked_jti: str | None = None) -> tuple[UserRecord | None, bool]:
        """(the user or None, whether either token id is revoked), in one statement."""
        params = {"user_id": user_id if _storable_id(user_id) else None,
                  "jti": jti, "linked_jti": linked_jti}  # a NULL id matches nothing
        with self.engine.connect() as conn:
            row = conn.execute(USER_AND_REVOCATION, params).one()
        return (_user(row) if row.id is not None else None), bool(row.revoked)

    # --- introspection for tests and the CLI --------------------------------------------

    def row_counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                table.name: s.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
            }
