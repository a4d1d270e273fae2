"""Tables of the shared store (SQLAlchemy 2 typed declarative models)."""

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Float, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.validation import USERNAME_KEY_MAX


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    # AUTOINCREMENT: SQLite never hands out a deleted user's id again (PostgreSQL's sequence
    # never does), so an old token cannot name a newer account.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # As the user typed it (NFKC-normalized), for display.
    username: Mapped[str] = mapped_column(String(64))
    # Case-folded: the unique constraint that makes 'Bob' and 'bob' one account, also when two
    # app processes insert at the same moment.
    username_key: Mapped[str] = mapped_column(String(USERNAME_KEY_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now_utc)
    # The account generation: tokens issued before this instant (the account's creation, or its
    # last password change) are refused by both apps. Microseconds, so that a token minted just
    # after a change works and one minted just before does not.
    tokens_valid_from: Mapped[datetime] = mapped_column(DateTime, default=now_utc)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    price: Mapped[float] = mapped_column(Float)


class RevokedToken(Base):
    """v2 only: JWT ids revoked by /logout. Kept until the token would have expired anyway."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class LoginFailure(Base):
    """Failed logins per (account, client address), and per client address across accounts
    (username_key ""), counted in the store so both apps throttle together."""

    __tablename__ = "login_failures"

    username_key: Mapped[str] = mapped_column(String(USERNAME_KEY_MAX), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(DateTime, default=now_utc)


class LegacyTokenUse(Base):
    """v2's cut-over bridge: who still sends a Flask-JWT token, how often, when last, so that
    `python -m shared bridge` can tell when the grace window may close."""

    __tablename__ = "legacy_token_uses"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=now_utc)


class LegacyTokenRefusal(Base):
    """v2's cut-over bridge: legacy tokens it refused (spent, revoked, expired, forged...), per
    reason, apart from the uses, so that an old token nobody can use any more does not keep
    the bridge open."""

    __tablename__ = "legacy_token_refusals"

    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=now_utc)
