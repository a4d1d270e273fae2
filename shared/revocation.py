"""Token revocation (v2's logout): revoked token ids with their expiry, and the one statement
that answers, for every protected request, "whose token, and is it revoked?"."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import bindparam, case, delete, exists, literal, select
from sqlalchemy.exc import IntegrityError

from shared.database import storable_id, upsert_for
from shared.models import RevokedToken, User, now_utc
from shared.records import UserRecord, user_record
from shared.users import USER_COLUMNS, StoreBase

# v2 asks two questions of every token, revoked? and whose?: one statement answers both.
_one_row = select(literal(1).label("one")).subquery()
USER_AND_REVOCATION = select(
    *USER_COLUMNS,
    # Two fixed parameters, not an expanding list: that would re-render the SQL every call.
    exists().where(RevokedToken.jti.in_([bindparam("jti"), bindparam("linked_jti")]))
    .label("revoked"),
).select_from(_one_row.outerjoin(User, User.id == bindparam("user_id")))


def _expires_at(exp: int) -> datetime:
    """A token's exp (Unix seconds) as the store keeps times: naive UTC."""
    return datetime.fromtimestamp(exp, UTC).replace(tzinfo=None)


def _revoking(insert, rows: list[dict]):
    """Two workers logging out the same login at once both insert the same jti (a merge,
    SELECT then INSERT, made that a 500 on PostgreSQL). An entry only ever lives longer: a
    revocation is never shortened by a later one."""
    statement = insert(RevokedToken).values(rows)
    later = case((statement.excluded.expires_at > RevokedToken.expires_at,
                  statement.excluded.expires_at), else_=RevokedToken.expires_at)
    return statement.on_conflict_do_update(index_elements=[RevokedToken.jti],
                                           set_={"expires_at": later})


class RevocationStore(StoreBase):
    def revoke(self, tokens: Iterable[tuple[str, int]]) -> None:
        """Revoke (jti, exp) pairs, exp as in the token (Unix seconds). Entries whose token
        has expired anyway are pruned here, so the table stays as small as the live tokens."""
        rows: dict[str, datetime] = {}
        for jti, exp in tokens:
            rows[jti] = max(_expires_at(exp), rows.get(jti, datetime.min))
        with self.session.begin() as s:
            s.execute(delete(RevokedToken).where(RevokedToken.expires_at < now_utc()))
            if rows:
                s.execute(_revoking(upsert_for(self.engine),
                                    [{"jti": jti, "expires_at": at} for jti, at in rows.items()]))

    def revoke_once(self, jti: str, exp: int) -> bool:
        """Revoke one token id unless it is revoked already; False then. A plain INSERT: of
        two concurrent callers (two workers), exactly one gets True."""
        try:
            with self.session.begin() as s:
                s.add(RevokedToken(jti=jti, expires_at=_expires_at(exp)))
        except IntegrityError:
            return False
        return True

    def user_and_revocation(self, user_id: int | None, jti: str | None,
                            linked_jti: str | None = None) -> tuple[UserRecord | None, bool]:
        """(the user or None, whether either token id is revoked), in one statement."""
        params = {"user_id": user_id if storable_id(user_id) else None,
                  "jti": jti, "linked_jti": linked_jti}  # a NULL id matches nothing
        with self.engine.connect() as conn:
            row = conn.execute(USER_AND_REVOCATION, params).one()
        return (user_record(row) if row.id is not None else None), bool(row.revoked)
