"""What the store returns: plain, frozen records, never ORM objects, so nothing leaks a
database session into a Flask request."""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

LAST_PLAUSIBLE_IAT = 253402300800  # 10000-01-01T00:00:00Z, as Unix seconds


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    is_admin: bool
    created_at: datetime
    tokens_valid_from: datetime

    def to_json(self, privileges: bool = True) -> dict:
        """The record as the API shows it; `is_admin` only to whoever may see privileges (the
        user, or an admin): to anyone else it says whom to attack."""
        shown = {"id": self.id, "username": self.username}
        return {**shown, "is_admin": self.is_admin} if privileges else shown

    def issued_this_generation(self, iat: object) -> bool:
        """Whether a token issued at `iat` (its claim: Unix seconds, to the microsecond in
        our tokens) belongs to this account as it is now: not older than the account's
        creation or its last password change. No usable iat: no."""
        if isinstance(iat, bool) or not isinstance(iat, int | float) or not math.isfinite(iat):
            return False
        if not 0 <= iat < LAST_PLAUSIBLE_IAT:  # 1e308 overflowed round() below: a 500
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


def user_record(row) -> UserRecord:
    return UserRecord(row.id, row.username, row.is_admin, row.created_at, row.tokens_valid_from)


def item_record(row) -> ItemRecord:
    return ItemRecord(row.id, row.name, row.price)
