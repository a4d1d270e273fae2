"""Account safety across both live servers: what happens *next* to a user's tokens, after a
deletion and a new registration, after a password change, and to the owner's login while a
stranger guesses from another address (issue 12's report, replayed)."""

import time
from pathlib import Path

from sidebyside.clients import AppClient, Exchange
from sidebyside.matrix import world_for
from sidebyside.scenarios import ATTACKER_ADDRESS, PASSWORD, World
from sidebyside.servers import running_apps
from tests.conftest import reuse_id
from tests.security.rules import check_answer

NEW_PASSWORD = "a brand new password"


def answered(ex: Exchange) -> tuple[int, str | None]:
    check_answer(ex)
    return ex.status, ex.error


def erins_tokens(world: World) -> tuple[int, str, str, str]:
    """erin registers, logs in on v1 and on v2: (id, v1 token, v2 access, v2 refresh)."""
    v1, v2 = world.clients["v1"], world.clients["v2"]
    erin = world.register(v1)
    on_v1, on_v2 = v1.tokens(erin.name, PASSWORD), v2.tokens(erin.name, PASSWORD)
    return erin.id, on_v1.access, on_v2.access, on_v2.refresh


def replay(world: World, user_id: int, v1_token: str, v2_access: str, v2_refresh: str,
           item: str) -> list[tuple[int, str | None]]:
    v1, v2 = world.clients["v1"], world.clients["v2"]
    return [answered(ex) for ex in (
        v1.request("GET", f"/user/{user_id}", token=v1_token),
        v2.request("GET", f"/user/{user_id}", token=v2_access),
        v2.request("POST", "/refresh", token=v2_refresh),
        v1.request("DELETE", f"/item/{item}", token=v1_token),
        v2.request("DELETE", f"/item/{item}", token=v2_access),
        v1.request("DELETE", f"/user/{user_id}", token=v1_token),
        v2.request("DELETE", f"/user/{user_id}", token=v2_access),
    )]


def test_deleted_users_tokens_never_come_back_when_the_next_user_registers(world: World):
    """The outside testers' sequence: delete erin, register frank (an admin), replay."""
    erin_id, v1_token, v2_access, v2_refresh = erins_tokens(world)
    assert answered(world.clients["v1"].request("DELETE", f"/user/{erin_id}",
                                                token=v1_token)) == (200, None)
    frank = world.register(world.clients["v2"], admin=True)
    assert frank.id != erin_id  # AUTOINCREMENT: no id is handed out twice
    item = world.stock_item()
    assert set(replay(world, erin_id, v1_token, v2_access, v2_refresh, item)) == {
        (401, "user_not_found")}
    assert world.store.get_item(item) is not None
    assert world.store.get_user(frank.id) is not None


def test_even_if_the_id_comes_back_the_old_tokens_name_no_one(world: World):
    """Independently of AUTOINCREMENT (a restored backup, an older store): frank gets
    erin's very id, and her tokens are still refused, on both apps."""
    erin_id, v1_token, v2_access, v2_refresh = erins_tokens(world)
    world.store.delete_user(erin_id)
    reuse_id(world.store, erin_id, f"frank{erin_id}")
    item = world.stock_item()
    assert set(replay(world, erin_id, v1_token, v2_access, v2_refresh, item)) == {
        (401, "token_revoked")}
    assert world.store.get_item(item) is not None
    assert world.store.get_user(erin_id).username == f"frank{erin_id}"


def test_a_password_change_on_one_app_ends_every_session_on_both(world: World):
    v1, v2 = world.clients["v1"], world.clients["v2"]
    erin_id, v1_token, v2_access, v2_refresh = erins_tokens(world)
    name = world.store.get_user(erin_id).username
    changed = v2.change_password(erin_id, v2.tokens(name, PASSWORD).access, PASSWORD,
                                 NEW_PASSWORD)
    assert answered(changed) == (200, None)
    item = world.stock_item()
    assert set(replay(world, erin_id, v1_token, v2_access, v2_refresh, item)) == {
        (401, "token_revoked")}
    assert answered(v1.login(name, PASSWORD)) == (401, "invalid_credentials")
    new_v1, new_v2 = v1.tokens(name, NEW_PASSWORD), v2.tokens(name, NEW_PASSWORD)
    assert answered(v1.request("GET", f"/user/{erin_id}", token=new_v1.access))[0] == 200
    assert answered(v2.request("GET", f"/user/{erin_id}", token=new_v2.access))[0] == 200
    assert answered(v2.request("POST", "/refresh", token=new_v2.refresh))[0] == 200


def test_v1_password_change_ends_v2_sessions_too(world: World):
    v1, v2 = world.clients["v1"], world.clients["v2"]
    erin_id, v1_token, v2_access, v2_refresh = erins_tokens(world)
    assert answered(v1.change_password(erin_id, v1_token, PASSWORD, NEW_PASSWORD)) == (200, None)
    assert answered(v2.request("POST", "/refresh", token=v2_refresh)) == (401, "token_revoked")
    assert answered(v2.request("GET", "/items", token=v2_access)) == (401, "token_revoked")


def test_a_stranger_guessing_from_another_address_cannot_lock_out_the_owner(world: World):
    v1, v2 = world.clients["v1"], world.clients["v2"]
    owner = world.register(v1)
    attackers = [c.from_address(ATTACKER_ADDRESS) for c in (v1, v2)]
    for i in range(10):  # split across both apps: one count in the shared store
        assert answered(attackers[i % 2].login(owner.name, "wrong guess"))[0] == 401
    started = time.time()
    for attacker in attackers:
        refused = attacker.login(owner.name, PASSWORD)
        assert answered(refused) == (429, "too_many_attempts")
        assert 0 < int(refused.headers["Retry-After"]) <= 900
    assert time.time() - started < 1  # refused before any password hashing
    for client in (v1, v2):
        assert answered(client.login(owner.name, PASSWORD)) == (200, None)


def test_one_address_trying_many_accounts_is_capped(tmp_path: Path):
    """Credential stuffing: one try per account, never twice on one. Servers of its own,
    with a small cap (the suites' servers raise it, see tests/live.py)."""
    with running_apps(tmp_path, {"LOGIN_MAX_FAILURES_PER_CLIENT": "6"}) as servers:
        world = world_for(servers, tmp_path)
        with world.store:
            v1, v2 = world.clients["v1"], world.clients["v2"]
            owner = world.register(v2)
            attackers: list[AppClient] = [c.from_address(ATTACKER_ADDRESS) for c in (v1, v2)]
            for i in range(6):
                assert answered(attackers[i % 2].login(f"victim{i}", "password1"))[0] == 401
            for attacker in attackers:
                refused = attacker.login(owner.name, PASSWORD)
                assert answered(refused) == (429, "too_many_attempts")
            for client in (v1, v2):
                assert answered(client.login(owner.name, PASSWORD)) == (200, None)
