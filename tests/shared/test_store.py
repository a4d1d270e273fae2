"""The shared store, run under BOTH interpreters (make test runs this folder in each venv)."""

import json
import math
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select

from shared import (
    AlreadyExists,
    ConfigError,
    InvalidCredentials,
    NotFound,
    Store,
    TooManyAttempts,
    ValidationError,
)
from shared.models import Base, LoginFailure, User
from shared.passwords import OWASP_MINIMUM, Passwords
from shared.throttling import REGISTRATIONS
from tests.conftest import OTHER_PYTHON, REPO, STACK, THIS_PYTHON, opened


@pytest.fixture
def store(db_url: str) -> Store:
    s = opened(Store(db_url, cheap_hashing_for_tests=True, max_login_failures=3,
              failure_window=timedelta(seconds=60)))
    s.init_schema()
    return s


def run_python(python, code: str, db_url: str) -> str:
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(REPO)}
    done = subprocess.run([str(python), "-c", code], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_this_interpreter_is_the_expected_stack():
    import jwt

    major = int(jwt.__version__.split(".")[0])
    assert major == (1 if STACK == "v1" else 2)


@pytest.mark.parametrize("direction", ["this->other", "other->this"])
def test_user_registered_by_one_stack_logs_in_under_the_other(db_url, direction):
    register = ("from shared import Store; s = Store(); s.init_schema(); "
                "print(s.register('Zoë', 'correct horse battery').id)")
    check = ("from shared import Store; s = Store(); "
             "print(s.authenticate('ZOË', 'correct horse battery'), "
             "s.authenticate('zoë', 'wrong password'))")
    first, second = ((THIS_PYTHON, OTHER_PYTHON) if direction == "this->other"
                     else (OTHER_PYTHON, THIS_PYTHON))
    user_id = int(run_python(first, register, db_url))
    out = run_python(second, check, db_url)
    assert f"UserRecord(id={user_id}, username='Zoë'" in out
    assert out.strip().endswith("None")


WORKER = """
import json, sys, threading, time
from shared import AlreadyExists, Store
store = Store(cheap_hashing_for_tests=True)
start_at, name, n = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
results = []
def attempt(i):
    time.sleep(max(0.0, start_at - time.time()))
    try:
        store.register(name if i % 2 else name.upper(), "password123")
        results.append("created")
    except AlreadyExists:
        results.append("exists")
    except Exception as e:  # reported, so the test shows what broke
        results.append(f"{type(e).__name__}: {e}")
threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(results))
"""


def test_twenty_concurrent_registrations_from_two_processes_leave_one_row(store, db_url):
    start_at = time.time() + 1.5  # both processes import, then fire together
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([str(python), "-c", WORKER, str(start_at), "samename", "10"],
                         env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for python in (THIS_PYTHON, OTHER_PYTHON)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        results += json.loads(out)
    assert set(results) <= {"created", "exists"}, results
    assert results.count("created") == 1
    assert results.count("exists") == 19
    assert store.row_counts()["users"] == 1


BAD_USERNAMES = [None, 7, 1.5, True, [], {}, "", "   ", "a" * 65, "bob\x00", "tab\there",
                 "bob\ud800"]
BAD_PASSWORDS = [None, 12345678, True, ["password123"], "", "short", "p" * 257,
                 "password\x00123", "password\udfff"]
BAD_PRICES = [math.nan, math.inf, -math.inf, -0.01, -1, "12", None, True, [], 10**400 // 10**300,
              10**30]


@pytest.mark.parametrize("username", BAD_USERNAMES)
def test_register_rejects_bad_username_and_writes_nothing(store, username):
    before = store.row_counts()
    with pytest.raises(ValidationError):
        store.register(username, "password123")
    assert store.row_counts() == before


@pytest.mark.parametrize("password", BAD_PASSWORDS)
def test_register_rejects_bad_password_and_writes_nothing(store, password):
    before = store.row_counts()
    with pytest.raises(ValidationError):
        store.register("bob", password)
    assert store.row_counts() == before


@pytest.mark.parametrize("price", BAD_PRICES)
def test_items_reject_bad_price_and_write_nothing(store, price):
    before = store.row_counts()
    with pytest.raises(ValidationError):
        store.create_item("chair", price)
    with pytest.raises(ValidationError):
        store.put_item("chair", price)
    assert store.row_counts() == before


@pytest.mark.parametrize("name", [None, 3, "", "  ", "x" * 81, "nul\x00", "lone\ud800",
                                  "bad\ufffdutf8"])
def test_items_reject_bad_name_and_write_nothing(store, name):
    before = store.row_counts()
    with pytest.raises(ValidationError):
        store.create_item(name, 1.0)
    assert store.row_counts() == before


def test_usernames_are_unique_without_regard_to_case_or_unicode_form(store):
    store.register("Bob", "password123")
    for variant in ["bob", "BOB", "\uff42\uff4f\uff42", " bob "]:
        with pytest.raises(AlreadyExists):
            store.register(variant, "password123")
    assert store.authenticate("\uff22\uff2f\uff22", "password123").username == "Bob"


def test_login_with_a_lone_surrogate_password_is_a_validation_error(store):
    store.register("ivan", "password123")
    with pytest.raises(ValidationError):
        store.authenticate("ivan", "a\udfffb")


def test_authenticate_wrong_password_unknown_user_and_unreadable_hash(store):
    user = store.register("carol", "password123")
    assert store.authenticate("carol", "password124") is None
    assert store.authenticate("nobody", "password123") is None
    with store.session.begin() as s:  # a hash no argon2 can read (e.g. a Werkzeug one)
        s.get(User, user.id).password_hash = "pbkdf2:sha256:600000$salt$abc"
    assert store.authenticate("carol", "password123") is None


def test_login_rehashes_when_parameters_change(db_url):
    cheap = opened(Store(db_url, cheap_hashing_for_tests=True))
    cheap.init_schema()
    user = cheap.register("dave", "password123")
    strong = opened(Store(db_url))
    assert strong.authenticate("dave", "password123") == user
    with strong.session() as s:
        stored = s.get(User, user.id).password_hash
    assert f"m={OWASP_MINIMUM['memory_cost']},t={OWASP_MINIMUM['time_cost']},p=1" in stored
    assert strong.authenticate("dave", "password123") == user


def test_production_hash_meets_the_owasp_minimum():
    encoded = Passwords().hash("password123")
    assert encoded.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in encoded


OWNER, ATTACKER = "192.0.2.10", "198.51.100.66"


def throttled_store(db_url: str, window: float = 60, per_client: int = 100) -> Store:
    store = opened(Store(db_url, cheap_hashing_for_tests=True, max_login_failures=3,
                         max_client_failures=per_client,
                         failure_window=timedelta(seconds=window)))
    store.init_schema()
    return store


def test_failures_lock_that_account_from_that_address_only_then_are_forgiven(db_url):
    store = throttled_store(db_url, window=2)
    store.register("erin", "password123")
    store.register("frank", "password123")
    for _ in range(3):
        assert store.authenticate("erin", "wrong-password", ATTACKER) is None
    with pytest.raises(TooManyAttempts) as refused:
        store.authenticate("ERIN", "password123", ATTACKER)  # even the right password waits
    assert 1 <= refused.value.retry_after <= 2
    # The owner, elsewhere, is never locked out by a stranger's failures.
    assert store.authenticate("erin", "password123", OWNER) is not None
    assert store.authenticate("frank", "password123", ATTACKER) is not None
    counts = {(f.username_key, f.client): f.count for f in failure_rows(store)
              if f.count and f.username_key != REGISTRATIONS}
    # frank's right password gave its attempt back, the refused one was never counted, and
    # the address's count across accounts stays: one right guess does not reset it.
    assert counts == {("erin", ATTACKER): 3, ("", ATTACKER): 3}
    time.sleep(2.1)
    assert store.authenticate("erin", "password123", ATTACKER) is not None
    counts = {(f.username_key, f.client): f.count for f in failure_rows(store)
              if f.count and f.username_key != REGISTRATIONS}
    assert ("erin", ATTACKER) not in counts  # success clears that account's count there
    assert counts == {}  # and the passed window started the address's count again


def test_one_address_trying_many_accounts_is_throttled_across_accounts(db_url):
    store = throttled_store(db_url, per_client=5)
    store.register("gail", "password123")
    for i in range(5):  # credential stuffing: one try per name, never 3 on one account
        assert store.authenticate(f"victim{i}", "password123", ATTACKER) is None
    with pytest.raises(TooManyAttempts) as refused:
        store.authenticate("gail", "password123", ATTACKER)
    assert "from your address" in refused.value.message
    assert store.authenticate("gail", "password123", OWNER) is not None


def test_a_wrong_old_password_counts_as_a_failed_login(db_url):
    store = throttled_store(db_url)
    user = store.register("hugo", "password123")
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            store.change_password(user.id, "not-my-password", "new-password-1", ATTACKER)
    with pytest.raises(TooManyAttempts):
        store.change_password(user.id, "password123", "new-password-1", ATTACKER)
    with pytest.raises(TooManyAttempts):
        store.authenticate("hugo", "password123", ATTACKER)
    assert store.authenticate("hugo", "password123", OWNER) is not None


def test_stale_failure_windows_are_pruned_by_the_next_failure(db_url):
    store = throttled_store(db_url, window=1)
    for i in range(4):
        store.authenticate(f"ghost{i}", "password123", ATTACKER)
    assert len(failure_rows(store)) == 5  # four names + the address
    time.sleep(1.1)
    store.authenticate("ghost-late", "password123", OWNER)
    assert {(f.username_key, f.client) for f in failure_rows(store)} == {
        ("ghost-late", OWNER), ("", OWNER)}


def failure_rows(store: Store) -> list[LoginFailure]:
    with store.session() as s:
        return list(s.scalars(select(LoginFailure)))


# --- account generations: a token names one account, as it is now --------------------------

def test_ids_are_never_reused_after_a_deletion(store):
    first = store.register("ivy", "password123")
    store.delete_user(first.id)
    second = store.register("jack", "password123")
    assert second.id > first.id


def test_a_token_must_be_newer_than_the_account_and_its_last_password_change(store):
    user = store.register("kate", "password123")
    created = user.tokens_valid_from.replace(tzinfo=UTC).timestamp()
    assert user.issued_this_generation(created) is True
    assert user.issued_this_generation(created - 0.000_001) is False  # a microsecond older
    assert user.issued_this_generation(int(created)) is False  # whole seconds are too coarse
    for no_iat in (None, "1", True, float("nan"), float("inf")):
        assert user.issued_this_generation(no_iat) is False
    before_change = time.time()
    changed = store.change_password(user.id, "password123", "password456")
    after_change = time.time()
    assert changed.issued_this_generation(before_change) is False
    assert changed.issued_this_generation(after_change) is True
    assert store.authenticate("kate", "password456") is not None
    assert store.authenticate("kate", "password123") is None


def test_change_password_checks_the_old_and_the_new_one(store):
    user = store.register("liam", "password123")
    with pytest.raises(InvalidCredentials):
        store.change_password(user.id, "password124", "password456")
    with pytest.raises(ValidationError):
        store.change_password(user.id, "password123", "short")
    with pytest.raises(NotFound):
        store.change_password(user.id + 1000, "password123", "password456")
    assert store.get_user(user.id) == user  # nothing changed


def test_a_store_made_by_an_older_version_is_refused_with_what_to_do(db_url):
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR)")
    engine.dispose()
    with Store(db_url) as old, pytest.raises(ConfigError, match="make reset"):
        old.init_schema()


def test_many_workers_starting_at_once_on_a_new_store_all_start(db_url):
    """Gunicorn starts its workers together and each creates the schema: on a new PostgreSQL
    store, concurrent CREATE TABLEs collided and one worker failed to boot (taking the whole
    server down). Every starter must come up, and the schema must be whole."""
    starters = 8
    barrier = threading.Barrier(starters)
    failures: list[BaseException] = []

    def start() -> None:
        with Store(db_url) as store:
            barrier.wait()
            try:
                store.init_schema()
            except Exception as e:  # collected, asserted below (a thread would hide it)
                failures.append(e)

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert failures == []
    with Store(db_url) as store:
        assert set(store.row_counts()) == {t.name for t in Base.metadata.sorted_tables}


def test_items_crud(store):
    assert store.create_item("chair", 10).price == 10.0
    with pytest.raises(AlreadyExists):
        store.create_item("chair", 11)
    item, created = store.put_item("chair", 12.5)
    assert (item.price, created) == (12.5, False)
    assert store.put_item("table", 0)[1] is True
    assert [i.name for i in store.list_items()] == ["chair", "table"]
    store.delete_item("chair")
    with pytest.raises(NotFound):
        store.delete_item("chair")
    assert store.get_item("chair") is None


def test_admin_flag_and_user_deletion(store):
    user = store.register("gina", "password123")
    assert store.set_admin("GINA", True).is_admin is True
    assert store.get_user(user.id).is_admin is True
    store.delete_user(user.id)
    assert store.get_user(user.id) is None
    with pytest.raises(NotFound):
        store.delete_user(user.id)
    with pytest.raises(NotFound):
        store.set_admin("gina", False)
    assert store.get_user(10**20) is None  # beyond SQLite's INTEGER: no user, not an error
    with pytest.raises(NotFound):
        store.delete_user(-(10**20))


def test_revocation_is_checked_and_expired_entries_are_pruned(store):
    now = int(time.time())
    store.revoke([("live", now + 600), ("dead", now - 5)])
    assert store.user_and_revocation(None, "x", "live") == (None, True)
    assert store.user_and_revocation(None, None, "y") == (None, False)
    store.revoke([("another", now + 600)])  # each revoke prunes what has expired
    assert store.row_counts()["revoked_tokens"] == 2
    assert store.user_and_revocation(None, "dead") == (None, False)


def test_user_and_revocation_answer_together(store):
    user = store.register("judy", "password123")
    store.revoke([("gone", int(time.time()) + 600)])
    assert store.user_and_revocation(user.id, "ok") == (user, False)
    assert store.user_and_revocation(user.id, "ok", "gone") == (user, True)
    assert store.user_and_revocation(user.id, "gone", None) == (user, True)
    assert store.user_and_revocation(999, "gone") == (None, True)
    assert store.user_and_revocation(10**30, None) == (None, False)


def test_cli_grants_and_revokes_admin_and_lists_users(store, db_url):
    store.register("hank", "password123")
    env = {**os.environ, "DATABASE_URL": db_url}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "shared", *args], env=env, cwd=REPO,
                              capture_output=True, text=True, timeout=60)

    assert cli("init").returncode == 0
    assert "is_admin=True" in cli("admin", "grant", "HANK").stdout
    assert "admin" in cli("users").stdout.split("hank")[0].splitlines()[-1]
    assert "is_admin=False" in cli("admin", "revoke", "hank").stdout
    missing = cli("admin", "grant", "nobody")
    assert missing.returncode == 1 and "User not found" in missing.stderr


def test_store_imports_no_flask_or_werkzeug():
    code = ("import sys, shared, shared.__main__, shared.signing_keys; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


def test_username_key_fits_its_column_whatever_casefolding_does(store):
    from shared.models import User as UserRow
    from shared.validation import USERNAME_MAX, username_key

    longest = "\u00df" * USERNAME_MAX  # 'ß': the worst case, two characters after casefolding
    key = username_key(longest)
    assert len(key) == 2 * USERNAME_MAX
    assert len(key) <= UserRow.__table__.c.username_key.type.length
    assert store.register(longest, "password123").username == longest
    # casefolding can leave a string unnormalized; the key is normalized again
    assert username_key("\u1e9e") == username_key("SS") == "ss"


def test_the_legacy_warning_filters_do_not_cover_our_code():
    """pyproject.toml ignores datetime.utcnow()'s deprecation only where PyJWT 1.7.1 and
    Flask-JWT call it: from anywhere else it is still an error (on Python >= 3.12)."""
    if sys.version_info < (3, 12):
        datetime.utcnow()  # not deprecated before 3.12
        return
    with pytest.raises(DeprecationWarning, match="utcnow"):
        datetime.utcnow()


def test_close_releases_every_pooled_connection(db_url):
    store = Store(db_url)
    store.init_schema()
    store.list_users()
    assert store.engine.pool.checkedin() >= 1
    with store:
        pass
    assert store.engine.pool.checkedin() == 0


def test_an_unknown_username_costs_a_real_password_check(db_url):
    """No user enumeration by timing: with production hashing, an unknown username takes as
    long as a wrong password (the dummy verify), not microseconds."""
    store = opened(Store(db_url, max_login_failures=1000, max_client_failures=1000))
    store.init_schema()
    store.register("real", "password123")
    def median(name: str) -> float:
        times = []
        for _ in range(5):
            began = time.perf_counter()
            assert store.authenticate(name, "wrong-password") is None
            times.append(time.perf_counter() - began)
        return sorted(times)[2]
    assert median("nobody-at-all") > 0.5 * median("real")


def test_full_width_item_names_are_the_same_item(store):
    store.create_item("chair", 1)
    with pytest.raises(AlreadyExists):
        store.create_item("\uff43\uff48\uff41\uff49\uff52", 2)  # full-width "chair"
    assert store.get_item("\uff43\uff48\uff41\uff49\uff52").name == "chair"


def test_retry_after_rounds_up(db_url):
    store = throttled_store(db_url, window=3)
    for _ in range(3):
        store.authenticate("nobody", "password123", ATTACKER)
    with pytest.raises(TooManyAttempts) as refused:
        store.authenticate("nobody", "password123", ATTACKER)
    assert refused.value.retry_after == 3  # 2.99… seconds left: never tell a client "2"


def test_jose_is_refused_as_a_known_default_not_only_for_its_length():
    from shared.signing_keys import weakness

    assert weakness("jose") == "it is a well-known default secret"
    assert weakness("JOSE " + "x" * 40) is None  # long enough, not a known value
