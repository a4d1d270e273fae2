"""The store under concurrent callers, behind a barrier, round after round (both stacks; both
stores: make test-postgres runs these on PostgreSQL). Each test repeats its race often enough
to fail reliably without its fix, and asserts only outcomes, never timings."""

import threading
import time
from datetime import timedelta
from functools import partial

import pytest

from shared import InvalidCredentials, NotFound, Store, TooManyAttempts
from tests.conftest import opened, racing

OLD, NEW = "the old password", "the new password"


def make_store(db_url: str, **limits) -> Store:
    store = opened(Store(db_url, cheap_hashing_for_tests=True, **limits))
    store.init_schema()
    return store


def test_no_login_with_the_old_password_outlives_a_password_change(db_url):
    """W1: logins with the old password race each change. A token is dated when its request
    starts (api_common.token_issued_at); once the change has returned, no token from a login
    that the old password let in may count as this account's."""
    store = make_store(db_url, max_login_failures=10**6, max_client_failures=10**6)
    survivors: list[float] = []
    for round_ in range(150):
        user = store.register(f"racer{round_}", OLD)
        let_in = race_logins_against_a_change(store, user.id, user.username)
        now = store.get_user(user.id)
        survivors += [iat for iat in let_in if now.issued_this_generation(iat)]
    assert survivors == []


def race_logins_against_a_change(store: Store, user_id: int, username: str) -> list[float]:
    """Three threads log in with the old password until the change returns: when each login
    that got in began."""
    changed = threading.Event()
    let_in: list[float] = []

    def log_in_until_changed() -> None:
        while not changed.is_set():
            issued_at = round(time.time(), 6)  # the request's start, as the apps take it
            try:
                if store.authenticate(username, OLD) is not None:
                    let_in.append(issued_at)
            except InvalidCredentials:
                pass

    def change() -> None:
        try:
            store.change_password(user_id, OLD, NEW)
        finally:
            changed.set()

    results = racing(change, *[log_in_until_changed] * 3)
    assert not [r for r in results if isinstance(r, Exception)], results
    return let_in


@pytest.mark.parametrize("limit_name", ["max_login_failures", "max_client_failures"])
def test_concurrent_wrong_passwords_cost_at_most_the_limit(db_url, limit_name):
    """W2: 20 wrong passwords at once, per round; at most the limit's worth are checked (the
    rest are 429 before any hash), and the count then says exactly the limit."""
    store = make_store(db_url, **{"max_login_failures": 100, "max_client_failures": 100,
                                  limit_name: 5})
    for round_ in range(10):
        client = f"198.51.100.{round_}"
        names = ([f"victim{round_}"] * 20 if limit_name == "max_login_failures"
                 else [f"victim{round_}-{i}" for i in range(20)])
        for name in set(names):
            store.register(name, OLD)
        results = racing(*[partial(store.authenticate, n, "wrong password", client)
                           for n in names])
        checked = [r for r in results if r is None]
        refused = [r for r in results if isinstance(r, TooManyAttempts)]
        assert len(checked) == 5 and len(refused) == 15, results
        with pytest.raises(TooManyAttempts):  # and next: still refused, the right one too
            store.authenticate(names[0], OLD, client)


def test_concurrent_registrations_cost_at_most_the_limit(db_url):
    store = make_store(db_url, max_registrations_per_client=4)
    for round_ in range(5):
        client = f"203.0.113.{round_}"
        results = racing(*[partial(store.register, f"new{round_}-{i}", OLD, client)
                           for i in range(12)])
        made = [r for r in results if not isinstance(r, Exception)]
        assert len(made) == 4, results
        assert all(isinstance(r, TooManyAttempts) for r in results if r not in made)
    # next: another address still registers
    assert store.register("elsewhere", OLD, "192.0.2.1").username == "elsewhere"


def test_concurrent_revocations_of_one_token_all_succeed(db_url):
    """W7: two workers logging out the same login insert the same jti at once; revoking is
    idempotent, and the entry keeps the later expiry."""
    store = make_store(db_url)
    later = int(time.time()) + 3600
    for round_ in range(30):
        jti = f"jti-{round_}"
        results = racing(*[partial(store.revoke, [(jti, later - i), (f"r-{round_}", later)])
                           for i in range(6)])
        assert results == [None] * 6
        assert store.user_and_revocation(None, jti) == (None, True)
    # next: a later revocation with an earlier expiry (already past) never shortens an entry,
    # so the prune that follows keeps it
    store.revoke([("jti-0", int(time.time()) - 60)])
    store.revoke([])
    assert store.user_and_revocation(None, "jti-0") == (None, True)


@pytest.mark.parametrize("user_id", [2**31, 2**63 - 1, 2**63, 10**30])
def test_ids_past_the_columns_range_name_no_one(db_url, user_id):
    """W6: ids are 32-bit INTEGERs on PostgreSQL; a larger one was a 500 there."""
    store = make_store(db_url)
    assert store.get_user(user_id) is None
    assert store.user_and_revocation(user_id, "any") == (None, False)
    with pytest.raises(NotFound):
        store.delete_user(user_id)
    with pytest.raises(NotFound):
        store.change_password(user_id, OLD, NEW)


def test_a_failure_window_restarts_once_it_has_passed(db_url):
    """After a lockout, a window that has passed starts the count again: one typo then is
    one failure, not another lockout."""
    store = make_store(db_url, max_login_failures=3, failure_window=timedelta(seconds=4))
    store.register("typo", OLD)
    window_opened = time.time()
    for _ in range(3):
        assert store.authenticate("typo", "wrong password", "192.0.2.7") is None
    with pytest.raises(TooManyAttempts):
        store.authenticate("typo", OLD, "192.0.2.7")
    time.sleep(max(0.0, window_opened + 4.5 - time.time()))
    assert store.authenticate("typo", "wrong password", "192.0.2.7") is None
    assert store.authenticate("typo", OLD, "192.0.2.7") is not None


def test_of_two_concurrent_password_changes_exactly_one_wins(db_url):
    """Compare-and-swap on the old hash: without it both changes succeeded and one of the two
    new passwords, which its owner was told was set, did not work."""
    store = make_store(db_url, max_login_failures=10**6)
    for round_ in range(20):
        user = store.register(f"twice{round_}", OLD)
        results = racing(partial(store.change_password, user.id, OLD, "first new password"),
                         partial(store.change_password, user.id, OLD, "second new password"))
        won = [i for i, r in enumerate(results) if not isinstance(r, Exception)]
        assert len(won) == 1, results
        assert isinstance(results[1 - won[0]], InvalidCredentials)
        winner = ("first new password", "second new password")[won[0]]
        assert store.authenticate(user.username, winner) is not None  # next: it works
