"""Failed-login throttling that a stranger cannot aim at the owner.

Two counts, kept in the store so both apps (and every worker) share them:
- per (account, client address): guessing one password from one place. The owner, logging in
  from elsewhere, is never blocked by someone else's failures;
- per client address across accounts (username_key ""): one place trying many accounts
  (credential stuffing). A username is never blank, so "" names no account.
"""

import math
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, case, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import TooManyAttempts
from shared.models import LoginFailure, now_utc

ANY_ACCOUNT = ""


class LoginThrottle:
    def __init__(self, session: sessionmaker, *, per_account: int, per_client: int,
                 window: timedelta):
        self.session = session
        self.limits = {False: per_account, True: per_client}  # keyed by "is the client count"
        self.window = window

    def refuse_if_throttled(self, key: str, client: str) -> None:
        """Raise TooManyAttempts while either count is at its limit inside its window."""
        with self.session() as s:
            rows = s.scalars(select(LoginFailure).where(
                LoginFailure.client == client,
                LoginFailure.username_key.in_([key, ANY_ACCOUNT]))).all()
        now = now_utc()
        waits = [
            (row.window_start + self.window - now).total_seconds()
            for row in rows if row.count >= self.limits[row.username_key == ANY_ACCOUNT]
        ]
        wait = max((w for w in waits if w > 0), default=0)
        if wait:
            raise TooManyAttempts(
                f"Too many failed logins from your address. Try again in {math.ceil(wait)} "
                "seconds.", math.ceil(wait))

    def record_failure(self, key: str, client: str) -> None:
        """Count one failure for the account from that address and for the address, in one
        transaction, and forget windows that have passed (names tried once do not pile up)."""
        now = now_utc()
        window_open_since = now - self.window
        for _ in range(2):
            try:
                with self.session.begin() as s:
                    for username_key in (key, ANY_ACCOUNT):
                        self._bump(s, username_key, client, now, window_open_since)
                    s.execute(delete(LoginFailure).where(
                        LoginFailure.window_start < window_open_since))
                return
            except IntegrityError:
                continue  # another process inserted a row first: bump it instead

    def forget_failures(self, key: str, client: str) -> None:
        """A successful login clears that account's count from that address only: one right
        guess among many must not reset the address's count across accounts."""
        with self.session.begin() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.username_key == key,
                                                 LoginFailure.client == client))

    @staticmethod
    def _bump(s: Session, username_key: str, client: str, now: datetime,
              window_open_since: datetime) -> None:
        window_passed = LoginFailure.window_start < window_open_since
        # One atomic UPDATE (SET sees the old values): a passed window starts again at 1.
        bump = (
            update(LoginFailure)
            .where(LoginFailure.username_key == username_key, LoginFailure.client == client)
            .values(
                count=case((window_passed, 1), else_=LoginFailure.count + 1),
                window_start=case((window_passed, now), else_=LoginFailure.window_start),
            )
        )
        if cast(CursorResult, s.execute(bump)).rowcount == 0:
            s.add(LoginFailure(username_key=username_key, client=client, count=1,
                               window_start=now))
            s.flush()  # the INSERT now: a concurrent one fails here, inside the retry
