"""The cut-over against live servers: real Flask-JWT tokens from a running v1, replayed at a v2
with the bridge open (v2_jwt_extended/bridge.py), then attacked."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sidebyside.clients import AppClient, Exchange
from sidebyside.matrix import world_for
from sidebyside.scenarios import PASSWORD, World
from sidebyside.servers import AppServer, running_apps
from sidebyside.tokens import decode_unverified, hs256, segment, sign, v1_claims
from tests.security.rules import check_answer

EXCHANGE = {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"}


def in_an_hour() -> str:
    return (datetime.now(UTC) + timedelta(hours=1)).isoformat()


@pytest.fixture(scope="module")
def cutover(tmp_path_factory) -> Iterator[tuple[dict[str, AppServer], World]]:
    workdir: Path = tmp_path_factory.mktemp("cutover")
    with running_apps(workdir, bridge_until=in_an_hour()) as servers:
        world = world_for(servers, workdir)
        with world.store:
            yield servers, world


def legacy_call(v2: AppClient, method: str, path: str, token: str, **kw) -> Exchange:
    answer = v2.request(method, path, headers={"Authorization": f"JWT {token}"}, **kw)
    check_answer(answer)
    return answer


def v1_login(world: World) -> tuple[int, str]:
    v1 = world.clients["v1"]
    user = world.register(v1)
    return user.id, v1.tokens(user.name, PASSWORD).access


def exchange(v2: AppClient, token: str) -> Exchange:
    body = "&".join(f"{k}={v}" for k, v in {**EXCHANGE, "subject_token": token}.items())
    answer = v2.request("POST", "/token/exchange", raw_body=body,
                        content_type="application/x-www-form-urlencoded")
    check_answer(answer)
    return answer


def test_a_real_v1_token_works_at_v2_while_the_window_is_open(cutover):
    _, world = cutover
    user_id, token = v1_login(world)
    v2 = world.clients["v2"]
    assert legacy_call(v2, "GET", f"/user/{user_id}", token).status == 200
    assert legacy_call(v2, "GET", "/items", token).json.get("message") is None  # not anonymous
    assert legacy_call(v2, "POST", "/item/bridged", token, json_body={"price": 1}).error == (
        "fresh_token_required")
    assert legacy_call(v2, "POST", "/refresh", token).error == "invalid_token"
    # ... and v1 still takes it: both run during the cut-over
    assert world.clients["v1"].request("GET", f"/user/{user_id}", token=token).status == 200


def test_exchange_then_replay(cutover):
    _, world = cutover
    v2 = world.clients["v2"]
    user_id, token = v1_login(world)
    traded = exchange(v2, token)
    assert traded.status == 200 and traded.json["token_type"] == "Bearer"
    assert v2.request("GET", f"/user/{user_id}", token=traded.json["access_token"]).status == 200
    assert exchange(v2, token).error == "invalid_grant"
    assert legacy_call(v2, "GET", "/items", token).error == "token_revoked"


def test_logout_with_a_legacy_token_then_replay(cutover):
    _, world = cutover
    v2 = world.clients["v2"]
    user_id, token = v1_login(world)
    assert legacy_call(v2, "POST", "/logout", token).status == 200
    assert legacy_call(v2, "GET", f"/user/{user_id}", token).error == "token_revoked"
    assert exchange(v2, token).error == "invalid_grant"


LEGACY_ATTACKS = {  # name -> forge(user_id, v1 secret, v2 secret): what a thief might send
    "signed with v2's key": lambda uid, k1, k2: hs256(v1_claims(uid), k2),
    "signed with a guess ('jose')": lambda uid, k1, k2: hs256(v1_claims(uid), "jose"),
    "extra claim fresh": lambda uid, k1, k2: hs256(v1_claims(uid) | {"fresh": True}, k1),
    "extra claim type=refresh": lambda uid, k1, k2: hs256(v1_claims(uid) | {"type": "refresh"},
                                                          k1),
    "extra claim is_admin": lambda uid, k1, k2: hs256(v1_claims(uid) | {"is_admin": True}, k1),
    "identity as a string": lambda uid, k1, k2: hs256(v1_claims(str(uid)), k1),
    "HS512 with the legacy key": lambda uid, k1, k2: sign({"alg": "HS512", "typ": "JWT"},
                                                          v1_claims(uid), k1, "sha512"),
    "alg none": lambda uid, k1, k2: f"{segment({'alg': 'none', 'typ': 'JWT'})}."
                                    f"{segment(v1_claims(uid))}.",
    "kid header": lambda uid, k1, k2: hs256(v1_claims(uid), k1, kid="../../dev/null"),
    "no exp": lambda uid, k1, k2: hs256({k: v for k, v in v1_claims(uid).items() if k != "exp"},
                                        k1),
}


@pytest.mark.parametrize("attack", list(LEGACY_ATTACKS))
def test_legacy_forgeries_are_refused(cutover, attack):
    servers, world = cutover
    v2 = world.clients["v2"]
    user_id, _ = v1_login(world)
    token = LEGACY_ATTACKS[attack](user_id, servers["v1"].secret, servers["v2"].secret)
    for path in ("/items", f"/user/{user_id}"):
        answer = legacy_call(v2, "GET", path, token)
        assert (answer.status, answer.error) == (401, "invalid_token"), (attack, answer.body)
    assert exchange(v2, token).error == "invalid_grant", attack


def test_expired_legacy_tokens_are_told_to_log_in_again(cutover):
    servers, world = cutover
    user_id, _ = v1_login(world)
    token = hs256(v1_claims(user_id, age=400, lifetime=300), servers["v1"].secret)
    answer = legacy_call(world.clients["v2"], "GET", f"/user/{user_id}", token)
    assert (answer.status, answer.error) == (401, "token_expired")
    assert "Log in again at POST /login" in answer.json["message"]


def test_after_the_grace_end_a_real_v1_token_is_retired(tmp_path: Path):
    ended = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    with running_apps(tmp_path, bridge_until=ended) as servers:
        world = world_for(servers, tmp_path)
        with world.store:
            user_id, token = v1_login(world)
            answer = legacy_call(world.clients["v2"], "GET", f"/user/{user_id}", token)
            assert (answer.status, answer.error) == (401, "token_expired")
            assert "retired" in answer.json["message"]
            assert decode_unverified(token)[1]["identity"] == user_id
