"""Login and registration throttling that a stranger cannot aim at the owner, and that
concurrent requests cannot outrun.

Counts kept in the store, so both apps (and every worker) share them:
- per (account, client address): guessing one password from one place. The owner, logging in
  from elsewhere, is never blocked by someone else's failures;
- per client address across accounts (username_key ""): one place trying many accounts
  (credential stuffing). A username is never blank, so "" names no account;
- registrations per client address (username_key " register": a name is stripped, so none
  starts with a space): each one costs a password hash.

Each attempt is counted *before* its password is checked (reserve_*), in one transaction that
also reads the counts: checking first and counting after the ~35 ms hash let 20 concurrent
guesses all through a limit of 10. An IPv6 client's address cap counts its whole /64, which
one host usually holds.
"""

import ipaddress
import math
from datetime import datetime, timedelta

from sqlalchemy import case, delete, update
from sqlalchemy.orm import Session, sessionmaker

from shared.database import upsert_for
from shared.errors import TooManyAttempts
from shared.models import LoginFailure, now_utc

ANY_ACCOUNT = ""
REGISTRATIONS = " register"


def address_cap_key(client: str) -> str:
    """What the per-address caps count: the address, or an IPv6 address's /64."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class LoginThrottle:
    def __init__(self, session: sessionmaker, *, per_account: int, per_client: int,
                 window: timedelta, registrations_per_client: int = 50):
        self.session = session
        self.per_account, self.window = per_account, window
        self.caps = {ANY_ACCOUNT: per_client, REGISTRATIONS: registrations_per_client}

    def reserve_login(self, key: str, client: str) -> None:
        """Count one login attempt for the account from that address and for the address,
        or raise TooManyAttempts (counting nothing) when either is at its limit."""
        self._reserve([(key, client, self.per_account),
                       (ANY_ACCOUNT, address_cap_key(client), self.caps[ANY_ACCOUNT])],
                      "Too many failed logins from your address")

    def reserve_registration(self, client: str) -> None:
        """Count one registration from that address, or raise TooManyAttempts."""
        self._reserve([(REGISTRATIONS, address_cap_key(client), self.caps[REGISTRATIONS])],
                      "Too many registrations from your address")

    def login_succeeded(self, key: str, client: str) -> None:
        """The reserved attempt was right: the account's count from that address ends, and
        the address's count gives this attempt back. Only from that address: one right guess
        among many must not reset anyone else's count."""
        with self.session.begin() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.username_key == key,
                                                 LoginFailure.client == client))
            s.execute(update(LoginFailure)
                      .where(LoginFailure.username_key == ANY_ACCOUNT,
                             LoginFailure.client == address_cap_key(client),
                             LoginFailure.count > 0)
                      .values(count=LoginFailure.count - 1))

    def _reserve(self, counts: list[tuple[str, str, int]], refusal: str) -> None:
        now = now_utc()
        window_open_since = now - self.window
        # One transaction: its first statement writes (SQLite takes the write lock at once;
        # PostgreSQL locks each row it bumps), so concurrent attempts queue and each sees the
        # count its predecessors left.
        with self.session.begin() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.window_start < window_open_since))
            waits = [
                (start + self.window - now).total_seconds()
                for key, client, limit in counts
                for count, start in [self._bump(s, key, client, now, window_open_since)]
                if count > limit
            ]
            if waits:  # raised inside the transaction: this attempt is not counted
                wait = max(1, math.ceil(max(waits)))
                raise TooManyAttempts(f"{refusal}. Try again in {wait} seconds.", wait)

    @staticmethod
    def _bump(s: Session, username_key: str, client: str, now: datetime,
              window_open_since: datetime) -> tuple[int, datetime]:
        """Add one to a count, inserting it at 1 (a passed window starts again at 1): the
        count and its window's start afterwards. One statement (INSERT ... ON CONFLICT DO
        UPDATE), so two workers never both insert (logins that succeed delete the row)."""
        window_passed = LoginFailure.window_start < window_open_since
        insert = upsert_for(s.get_bind())
        bump = (
            insert(LoginFailure)
            .values(username_key=username_key, client=client, count=1, window_start=now)
            .on_conflict_do_update(
                index_elements=[LoginFailure.username_key, LoginFailure.client],
                set_={"count": case((window_passed, 1), else_=LoginFailure.count + 1),
                      "window_start": case((window_passed, now),
                                           else_=LoginFailure.window_start)})
            .returning(LoginFailure.count, LoginFailure.window_start)
        )
        count, window_start = s.execute(bump).one()
        return count, window_start
