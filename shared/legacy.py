"""What v2's cut-over bridge keeps in the store: each accepted use of a legacy (Flask-JWT)
token, per user, so that the operator knows when nobody needs the bridge any more; and, apart,
the legacy tokens it refused, per reason."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from shared.database import upsert_for
from shared.models import LegacyTokenRefusal, LegacyTokenUse, now_utc
from shared.users import StoreBase


class LegacyUseStore(StoreBase):
    def record_legacy_use(self, user_id: int) -> None:
        self._count(LegacyTokenUse, LegacyTokenUse.user_id, user_id)

    def record_legacy_refusal(self, reason: str) -> None:
        self._count(LegacyTokenRefusal, LegacyTokenRefusal.reason, reason[:32])

    def legacy_refusals_since(self, since: timedelta) -> dict[str, int]:
        """Refused legacy tokens per reason, for reasons seen in that time."""
        cutoff = now_utc() - since
        with self.session() as s:
            rows = s.execute(select(LegacyTokenRefusal.reason, LegacyTokenRefusal.count)
                             .where(LegacyTokenRefusal.last_seen >= cutoff)
                             .order_by(LegacyTokenRefusal.reason))
            return {reason: count for reason, count in rows}

    def _count(self, table: type[LegacyTokenUse | LegacyTokenRefusal], key_column,
               key: object) -> None:
        """One more for that key, inserted at 1: one statement, so workers never collide."""
        now = now_utc()
        upsert = upsert_for(self.engine)(table).values(
            {key_column.key: key, "count": 1, "last_seen": now})
        with self.session.begin() as s:
            s.execute(upsert.on_conflict_do_update(
                index_elements=[key_column], set_={"count": table.count + 1, "last_seen": now}))

    def legacy_use_since(self, since: timedelta) -> tuple[int, int, datetime | None]:
        """(users who used a legacy token in that time, their uses, the last use ever)."""
        cutoff = now_utc() - since
        with self.session() as s:
            users, uses = s.execute(
                select(func.count(), func.coalesce(func.sum(LegacyTokenUse.count), 0))
                .where(LegacyTokenUse.last_seen >= cutoff)).one()
            last = s.scalar(select(func.max(LegacyTokenUse.last_seen)))
        return users, uses, last
