"""Bad timing against both live servers (issue 24): requests released together by a barrier,
round after round, then what happens *next*. Behind one trusted proxy (TRUSTED_PROXIES=1), so
that each round speaks from its own X-Forwarded-For address and rounds never share a count.
make test runs them on SQLite, make test-postgres on PostgreSQL with 4 gunicorn workers."""

import itertools
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from sidebyside.clients import AppClient, Exchange
from sidebyside.matrix import world_for
from sidebyside.scenarios import PASSWORD, World
from sidebyside.servers import running_apps
from tests.conftest import racing
from tests.security.rules import check_answer

NEW_PASSWORD = "the password after the change"
ACCOUNT_LIMIT, ADDRESS_CAP, REGISTRATION_CAP = 6, 9, 5
LIMITS = {"TRUSTED_PROXIES": "1", "LOGIN_MAX_FAILURES": str(ACCOUNT_LIMIT),
          "LOGIN_MAX_FAILURES_PER_CLIENT": str(ADDRESS_CAP),
          "REGISTER_MAX_PER_CLIENT": str(REGISTRATION_CAP)}


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("races")
    with running_apps(workdir, LIMITS) as servers:
        world = world_for(servers, workdir)
        with world.store:
            yield world


def send(client: AppClient, method: str, path: str, address: str, **kw) -> Exchange:
    answer = client.request(method, path, headers={"X-Forwarded-For": address}, **kw)
    check_answer(answer)
    return answer


def log_in(client: AppClient, name: str, password: str, address: str) -> Exchange:
    return send(client, "POST", client.login_path, address,
                json_body={"username": name, "password": password})


NUMBERS = itertools.count(1)


def new_user(world: World, label: str) -> tuple[int, str]:
    """A user made in the store (the apps' own /register is capped at 5 here)."""
    name = f"{label}{world.run_id}-{next(NUMBERS)}"
    return world.store.register(name, PASSWORD).id, name


def old_password_logins_racing_a_change(world: World, user_id: int, name: str,
                                        address: str) -> list[tuple[AppClient, dict]]:
    """Logins with the old password on both apps, until the change (on v2) has answered 200:
    the tokens they got."""
    v1, v2 = world.clients["v1"], world.clients["v2"]
    fresh = log_in(v2, name, PASSWORD, address).json["access_token"]
    changed = threading.Event()
    bought: list[tuple[AppClient, dict]] = []

    def keep_logging_in(client: AppClient) -> None:
        while not changed.is_set():
            answer = log_in(client, name, PASSWORD, address)
            if answer.status == 200:
                bought.append((client, answer.json))

    def change() -> Exchange:
        try:
            return send(v2, "PUT", f"/user/{user_id}/password", address, token=fresh,
                        json_body={"old_password": PASSWORD, "new_password": NEW_PASSWORD})
        finally:
            changed.set()

    results = racing(change, *[partial(keep_logging_in, c) for c in (v1, v2, v1, v2)])
    assert isinstance(results[0], Exchange) and results[0].status == 200, results
    assert not [r for r in results if isinstance(r, Exception)], results
    return bought


def test_no_token_from_the_old_password_is_accepted_once_the_change_answered(proxied):
    """W1: logins with the old password on both apps race each password change; every token
    they got, access and refresh, is refused once the change has answered 200."""
    world = proxied
    crossed = []
    for round_ in range(40):
        user_id, name = new_user(world, "w1-")
        for client, tokens in old_password_logins_racing_a_change(
                world, user_id, name, f"203.0.113.{round_ + 1}"):
            # next: what the old password bought, after the change has answered
            uses = [client.request("GET", "/items", token=tokens["access_token"])]
            if "refresh_token" in tokens:
                uses.append(client.request("POST", "/refresh", token=tokens["refresh_token"]))
            crossed += [(round_, client.name, u.path) for u in uses if u.status != 401]
    assert crossed == []


def test_twenty_wrong_passwords_at_once_cost_at_most_the_limit(proxied):
    """W2: the count is taken before the password is checked: of 20 at once, split over both
    apps, the limit's worth are checked (401) and the rest refused (429); next, the right
    password from there waits too, and the owner elsewhere logs in."""
    world = proxied
    v1, v2 = world.clients["v1"], world.clients["v2"]
    for round_ in range(3):
        address = f"198.51.100.{round_ + 1}"
        _, name = new_user(world, "w2-")
        results = racing(*[partial(log_in, c, name, "wrong password", address)
                           for c in (v1, v2) * 10])
        statuses = sorted(r.status for r in results)  # type: ignore[union-attr]
        assert statuses == [401] * ACCOUNT_LIMIT + [429] * (20 - ACCOUNT_LIMIT), statuses
        assert log_in(v1, name, PASSWORD, address).status == 429
        assert log_in(v2, name, PASSWORD, f"192.0.2.{round_ + 1}").status == 200


def test_the_per_address_cap_holds_at_once_too(proxied):
    world = proxied
    v1, v2 = world.clients["v1"], world.clients["v2"]
    names = [new_user(world, "stuffed-")[1] for _ in range(20)]
    results = racing(*[partial(log_in, (v1, v2)[i % 2], name, "wrong password",
                               "198.51.100.200") for i, name in enumerate(names)])
    statuses = sorted(r.status for r in results)  # type: ignore[union-attr]
    assert statuses == [401] * ADDRESS_CAP + [429] * (20 - ADDRESS_CAP), statuses


def test_registrations_from_one_address_are_capped_at_once_too(proxied):
    """W13: each registration costs a password hash; 12 at once from one address."""
    world = proxied
    v1, v2 = world.clients["v1"], world.clients["v2"]
    results = racing(*[partial(send, (v1, v2)[i % 2], "POST", "/register", "198.51.100.201",
                               json_body={"username": f"reg{world.run_id}-{i}",
                                          "password": PASSWORD}) for i in range(12)])
    statuses = sorted(r.status for r in results)  # type: ignore[union-attr]
    assert statuses == [201] * REGISTRATION_CAP + [429] * (12 - REGISTRATION_CAP), statuses
    assert send(v1, "POST", "/register", "198.51.100.202",
                json_body={"username": f"reg{world.run_id}-next",
                           "password": PASSWORD}).status == 201


def test_forwarded_addresses_are_parsed_as_addresses(proxied):
    """W12: one IPv6 address in three spellings is one address, and a /64 is one address for
    the cap; a value that is no address (over the column's 64 characters: a 500 on
    PostgreSQL, uncounted) falls back to the peer and is counted."""
    world = proxied
    v1, v2 = world.clients["v1"], world.clients["v2"]
    _, name = new_user(world, "v6-")
    spellings = ["2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:0db8::0:1"]
    statuses = [log_in((v1, v2)[i % 2], name, "wrong password", spellings[i % 3]).status
                for i in range(12)]
    assert statuses == [401] * ACCOUNT_LIMIT + [429] * (12 - ACCOUNT_LIMIT), statuses
    hosts = [f"2001:db8:0:7::{i + 1:x}" for i in range(12)]
    statuses = [log_in(v1, new_user(world, "net-")[1], "wrong password", host).status
                for host in hosts]
    assert statuses == [401] * ADDRESS_CAP + [429] * (12 - ADDRESS_CAP), statuses
    junk = ["not-an-address-" + "x" * 80, "1.2.3.4.5", "::g"]
    _, name = new_user(world, "junk-")
    statuses = [log_in(v2, name, "wrong password", junk[i % 3]).status for i in range(10)]
    # counted, as the peer (127.0.0.1)
    assert statuses == [401] * ACCOUNT_LIMIT + [429] * (10 - ACCOUNT_LIMIT), statuses


def test_concurrent_logouts_of_one_login_answer_200_or_401(proxied):
    """W7: two workers inserting the same revocation row made this a 500 on PostgreSQL."""
    world = proxied
    v2 = world.clients["v2"]
    for round_ in range(15):
        address = f"203.0.113.{100 + round_}"
        _, name = new_user(world, "out-")
        tokens = log_in(v2, name, PASSWORD, address).json
        access, refresh = tokens["access_token"], tokens["refresh_token"]
        results = racing(*[partial(send, v2, "POST", "/logout", address, token=t)
                           for t in (access, access, refresh, refresh)])
        statuses = {r.status for r in results}  # type: ignore[union-attr]
        assert statuses <= {200, 401} and 200 in statuses, statuses
        for token, path in ((access, "/items"), (refresh, "/refresh")):  # next: both dead
            assert send(v2, "POST" if path == "/refresh" else "GET", path, address,
                        token=token).error == "token_revoked"
