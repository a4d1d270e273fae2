"""The users part of the store: registration, login, password changes, admin flags."""

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from shared import validation
from shared.database import storable_id
from shared.errors import AlreadyExists, InvalidCredentials, NotFound
from shared.models import User, now_utc
from shared.passwords import Passwords
from shared.records import UserRecord, user_record
from shared.throttling import LoginThrottle

# Read on every protected request, built once and run through Core: an ORM Session (identity
# map, unit of work, object loading) per read cost more than the query itself.
USER_COLUMNS = (User.id, User.username, User.is_admin, User.created_at, User.tokens_valid_from)
USER_BY_ID = select(*USER_COLUMNS).where(User.id == bindparam("user_id"))


def _key(username: object) -> str:
    return validation.username_key(validation.clean_username(username))


class StoreBase:
    """What every part of the store shares (set up by Store.__init__)."""

    engine: Engine
    session: sessionmaker
    passwords: Passwords
    throttle: LoginThrottle


class UserStore(StoreBase):
    def register(self, username: object, password: object,
                 client: str | None = None) -> UserRecord:
        """A new account. `client`: the address a registration over the network came from,
        counted (before the hash it costs: a CPU lever otherwise) per address; None for the
        CLI, tests and scripts."""
        name = validation.clean_username(username)
        secret = validation.clean_password(password)
        if client is not None:
            self.throttle.reserve_registration(client)
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
        return user_record(row)

    def authenticate(self, username: object, password: object,
                     client: str = "") -> UserRecord | None:
        """What Flask-JWT's authenticate() and v2's /login both need: the user, or None.

        Throttled per (account, client address) and per address, across both apps; a
        successful login with outdated hash parameters rehashes the password."""
        key = _key(username)
        secret = validation.login_password(password)
        self.throttle.reserve_login(key, client)
        with self.session() as s:
            row = s.scalar(select(User).where(User.username_key == key))
        if row is None:
            self.passwords.burn_time(secret)
            return None
        right, rehash = self.passwords.check(row.password_hash, secret)
        if not right:
            return None
        self.throttle.login_succeeded(key, client)
        if rehash:
            with self.session.begin() as s:
                s.execute(update(User).where(User.id == row.id,
                                             User.password_hash == row.password_hash)
                          .values(password_hash=self.passwords.hash(secret)))
        return user_record(row)

    def change_password(self, user_id: int, old_password: object, new_password: object,
                        client: str = "") -> UserRecord:
        """Check the old password (a wrong one counts as a failed login), store the new one,
        and start a new account generation: every token issued before now stops working."""
        old = validation.login_password(old_password)
        new = validation.clean_password(new_password)
        found = None
        if storable_id(user_id):
            with self.session() as s:
                found = s.execute(select(User.username_key, User.password_hash)
                                  .where(User.id == user_id)).first()
        if found is None:
            raise NotFound("User not found.")
        key, current_hash = found
        self.throttle.reserve_login(key, client)
        if not self.passwords.check(current_hash, old)[0]:
            raise InvalidCredentials(
                "The old password is wrong. Send your current password as 'old_password'.")
        self.throttle.login_succeeded(key, client)
        new_hash = self.passwords.hash(new)
        with self.session.begin() as s:
            # Only if the hash is still the one just verified: of two concurrent changes
            # with the same old password, one wins and the other is told to retry. The new
            # generation starts with the new hash, so that even a crash before the second
            # statement below leaves no old token valid.
            changed = s.execute(
                update(User)
                .where(User.id == user_id, User.password_hash == current_hash)
                .values(password_hash=new_hash, tokens_valid_from=now_utc())
            ).rowcount
        if not changed:
            raise InvalidCredentials("The password changed meanwhile. Log in again.")
        # Again, now that the new hash is committed. A login that read the old hash read it
        # before that commit, so it began (and dated its token) before this instant; the
        # cut-off set above, taken before the commit, could be later than such a login's
        # start. Only while the hash is ours: a later change keeps its own cut-off.
        with self.session.begin() as s:
            s.execute(update(User).where(User.id == user_id, User.password_hash == new_hash)
                      .values(tokens_valid_from=now_utc()))
        user = self.get_user(user_id)
        if user is None:  # deleted meanwhile
            raise NotFound("User not found.")
        return user

    def get_user(self, user_id: int) -> UserRecord | None:
        if not storable_id(user_id):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(USER_BY_ID, {"user_id": user_id}).first()
        return user_record(row) if row else None

    def find_user(self, username: object) -> UserRecord | None:
        key = _key(username)
        with self.session() as s:
            row = s.scalar(select(User).where(User.username_key == key))
            return user_record(row) if row else None

    def delete_user(self, user_id: int) -> None:
        if not storable_id(user_id):
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
            return user_record(row)

    def list_users(self) -> list[UserRecord]:
        with self.session() as s:
            return [user_record(r) for r in s.scalars(select(User).order_by(User.id))]
