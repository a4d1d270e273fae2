"""What v2's cut-over bridge keeps in the store: each use of a legacy (Flask-JWT) token, per
user, so that the operator knows when nobody needs the bridge any more."""

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from shared.models import LegacyTokenUse, now_utc
from shared.users import StoreBase


class LegacyUseStore(StoreBase):
    def record_legacy_use(self, user_id: int) -> None:
        now = now_utc()
        bump = (update(LegacyTokenUse).where(LegacyTokenUse.user_id == user_id)
                .values(count=LegacyTokenUse.count + 1, last_seen=now))
        for _ in range(2):
            try:
                with self.session.begin() as s:
                    if s.execute(bump).rowcount == 0:
                        s.add(LegacyTokenUse(user_id=user_id, count=1, last_seen=now))
                return
            except IntegrityError:
                continue  # another worker inserted it first: bump it instead

    def legacy_use_since(self, since: timedelta) -> tuple[int, int, datetime | None]:
        """(users who used a legacy token in that time, their uses, the last use ever)."""
        cutoff = now_utc() - since
        with self.session() as s:
            users, uses = s.execute(
                select(func.count(), func.coalesce(func.sum(LegacyTokenUse.count), 0))
                .where(LegacyTokenUse.last_seen >= cutoff)).one()
            last = s.scalar(select(func.max(LegacyTokenUse.last_seen)))
        return users, uses, last
