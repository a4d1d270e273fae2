"""The cut-over bridge in v2 (v2_jwt_extended/bridge.py), in-process: Flask-JWT tokens made as
Flask-JWT makes them (sidebyside/tokens.py), signed with the legacy key. tests/security/
test_cutover.py replays real v1 tokens against live servers."""

import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from shared import ConfigError
from sidebyside.tokens import decode_unverified, hs256, sign, v1_claims, v2_claims
from tests.conftest import REPO
from tests.contract.conftest import PASSWORD, Api, make_app

EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt"
LEGACY_KEY = secrets.token_hex(32)


def until(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


def bridged(db_url: str, secret_key: str, open_for: float = 3600, **config) -> Api:
    app = make_app(db_url, secret_key, LEGACY_JWT_SECRET_KEY=LEGACY_KEY,
                   LEGACY_TOKENS_UNTIL=until(open_for), **config)
    return Api(app, app.test_client(), secret_key)


@pytest.fixture
def api(db_url: str, secret_key: str) -> Api:
    return bridged(db_url, secret_key)


def legacy(user_id: int, key: str = LEGACY_KEY, **kw) -> str:
    return hs256(v1_claims(user_id, **kw), key)


def call(api: Api, method: str, path: str, token: str, scheme: str = "JWT", **kw):
    return api.client.open(path, method=method, headers={"Authorization": f"{scheme} {token}"},
                           **kw)


def err(response) -> tuple[int, str | None]:
    return response.status_code, (response.get_json() or {}).get("error")


def exchange(api: Api, token: str, **fields):
    form = {"grant_type": EXCHANGE, "subject_token": token, "subject_token_type": JWT_TYPE,
            **fields}
    return api.client.post("/token/exchange", data=form)


# --- while the window is open --------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["JWT", "jwt", "Jwt"])
def test_a_legacy_token_works_as_a_non_fresh_access_token(api: Api, scheme):
    _, user_id = api.register()
    api.store.create_item("chair", 1)
    token = legacy(user_id)
    assert call(api, "GET", f"/user/{user_id}", token, scheme).status_code == 200
    assert call(api, "GET", "/items", token, scheme).get_json()["items"][0]["name"] == "chair"
    assert call(api, "PUT", "/item/chair", token, scheme, json={"price": 2}).status_code == 200
    assert err(call(api, "POST", "/item/lamp", token, json={"price": 1})) == (
        401, "fresh_token_required")
    assert err(call(api, "DELETE", f"/user/{user_id}", token)) == (401, "fresh_token_required")
    assert err(call(api, "POST", "/refresh", token)) == (401, "invalid_token")


def test_admin_rights_come_from_the_store_on_each_request(api: Api):
    name, user_id = api.register()
    api.store.create_item("chair", 1)
    token = legacy(user_id)
    assert err(call(api, "DELETE", "/item/chair", token)) == (403, "admin_required")
    api.store.set_admin(name, True)
    assert call(api, "DELETE", "/item/chair", token).status_code == 200


def test_a_v2_token_under_the_old_scheme_works_too(api: Api):
    user_id, token = api.user_token()
    assert call(api, "GET", f"/user/{user_id}", token, "JWT").status_code == 200


def test_uses_are_recorded_per_user(api: Api):
    _, first = api.register()
    _, second = api.register()
    for user_id in (first, first, second):
        call(api, "GET", "/items", legacy(user_id))
    users, uses, last = api.store.legacy_use_since(timedelta(hours=24))
    assert (users, uses) == (2, 3) and last is not None


def test_only_accepted_legacy_tokens_count_as_uses_refused_ones_apart(api: Api):
    """W10: a spent token (logged out, or from before a password change) was refused and
    still counted as a use, keeping the operator's statistic above zero for ever."""
    name, user_id = api.register()
    spent, changed_away = legacy(user_id), legacy(user_id, age=1)
    assert call(api, "POST", "/logout", spent).status_code == 200  # a use: accepted
    body = {"old_password": PASSWORD, "new_password": "another password"}
    assert api.call("PUT", f"/user/{user_id}/password", token=api.login(name),
                    json=body).status_code == 200
    before = api.store.legacy_use_since(timedelta(hours=24))[:2]
    for _ in range(3):  # next: the spent tokens keep coming
        assert err(call(api, "GET", "/items", spent)) == (401, "token_revoked")
        assert err(call(api, "GET", "/items", changed_away)) == (401, "token_revoked")
    assert call(api, "GET", "/items", legacy(user_id, key=secrets.token_hex(32))).status_code \
        == 401  # not signed with the legacy key: not a legacy token, not counted at all
    assert api.store.legacy_use_since(timedelta(hours=24))[:2] == before == (1, 1)
    live = legacy(user_id, age=2)  # issued after the change: a live token, only not fresh
    assert err(call(api, "POST", "/item/lamp", live, json={"price": 1})) == (
        401, "fresh_token_required")
    assert api.store.legacy_use_since(timedelta(hours=24))[:2] == (1, 2)  # a use all the same
    assert api.store.legacy_refusals_since(timedelta(hours=24)) == {"token_revoked": 6}
    shown = subprocess.run([sys.executable, "-m", "shared", "bridge"], cwd=REPO, text=True,
                           env={**os.environ, "DATABASE_URL": api.store.url},
                           capture_output=True, check=True).stdout
    assert "1 user(s), 2 use(s)" in shown
    assert "refused legacy tokens in the last 24 h: 6 (token_revoked 6)" in shown


def test_a_logged_out_legacy_token_stays_out_when_the_window_is_extended(db_url, secret_key):
    """W8: the revocation ended at the first grace end; restarted with a later one, the
    logged-out token worked again, and could be exchanged."""
    first_end = time.time() + 4  # a margin for a loaded machine: the logout must come before
    first = bridged(db_url, secret_key, open_for=4)
    _, user_id = first.register()
    token = legacy(user_id, lifetime=600)
    assert call(first, "POST", "/logout", token).status_code == 200
    time.sleep(max(0.0, first_end + 1 - time.time()))  # past the first grace end
    first.store.revoke([])  # and a prune of whatever has expired since
    extended = bridged(db_url, secret_key, open_for=3600)  # the restart, a later grace end
    assert err(call(extended, "GET", "/items", token)) == (401, "token_revoked")
    assert err(exchange(extended, token)) == (400, "invalid_grant")


@pytest.mark.parametrize(("name", "forge"), [
    ("other key", lambda uid: legacy(uid, key=secrets.token_hex(32))),
    ("v2's own key", lambda uid: hs256(v1_claims(uid), "")),  # replaced below
    ("extra claim", lambda uid: hs256(v1_claims(uid) | {"fresh": True}, LEGACY_KEY)),
    ("type claim", lambda uid: hs256(v1_claims(uid) | {"type": "refresh"}, LEGACY_KEY)),
    ("string identity", lambda uid: legacy(str(uid))),
    ("bool identity", lambda uid: legacy(True)),
    ("missing nbf", lambda uid: hs256({k: v for k, v in v1_claims(uid).items() if k != "nbf"},
                                      LEGACY_KEY)),
    ("HS512", lambda uid: sign({"alg": "HS512", "typ": "JWT"}, v1_claims(uid), LEGACY_KEY,
                               "sha512")),
    ("extra header", lambda uid: hs256(v1_claims(uid), LEGACY_KEY, kid="1")),
    ("alg none", lambda uid: sign({"alg": "none", "typ": "JWT"}, v1_claims(uid), "")
     .rsplit(".", 1)[0] + "."),
])
def test_anything_but_exactly_a_flask_jwt_token_with_the_legacy_key_is_refused(api: Api, name,
                                                                               forge):
    _, user_id = api.register()
    token = forge(user_id) if name != "v2's own key" else legacy(user_id, key=api.secret)
    for path in ("/items", f"/user/{user_id}"):
        assert err(call(api, "GET", path, token)) == (401, "invalid_token"), name
    assert err(exchange(api, token)) == (400, "invalid_grant"), name


def test_expired_inside_the_leeway_works_outside_it_says_log_in_again(api: Api):
    _, user_id = api.register()
    inside = legacy(user_id, age=305, lifetime=300)
    assert call(api, "GET", f"/user/{user_id}", inside).status_code == 200
    outside = call(api, "GET", f"/user/{user_id}", legacy(user_id, age=400, lifetime=300))
    assert err(outside) == (401, "token_expired")
    assert "Log in again at POST /login" in outside.get_json()["message"]


def test_nothing_a_legacy_token_buys_outlives_the_window(db_url, secret_key):
    """The exchange's v2 login, and access tokens refreshed from it, end at the grace end at
    the latest: a day-long (or 5-minute) legacy token never becomes a 30-day login."""
    ends = time.time() + 6  # a margin for a loaded machine: the exchange must come before
    api = bridged(db_url, secret_key, open_for=6)
    _, user_id = api.register()
    day_long = legacy(user_id, lifetime=86_400)
    exchanged = exchange(api, legacy(user_id, lifetime=86_400, age=1)).get_json()
    assert exchanged["expires_in"] <= 6
    for token in (exchanged["access_token"], exchanged["refresh_token"]):
        assert decode_unverified(token)[1]["exp"] <= ends + 1
    refreshed = api.call("POST", "/refresh", token=exchanged["refresh_token"])
    assert decode_unverified(refreshed.get_json()["access_token"])[1]["exp"] <= ends + 1
    assert call(api, "GET", "/items", day_long).status_code == 200
    time.sleep(max(0.0, ends + 1.1 - time.time()))
    # next: past the window, every one of them is refused
    assert err(api.call("POST", "/refresh", token=exchanged["refresh_token"])) == (
        401, "token_expired")
    assert err(api.call("GET", "/items", token=exchanged["access_token"])) == (
        401, "token_expired")
    assert err(call(api, "GET", "/items", day_long)) == (401, "token_expired")


def test_the_minted_token_is_dated_no_later_than_now_and_ends_with_its_legacy_token(
        api: Api):
    """Flask-JWT allows an iat 10 s ahead (v1 and v2 clocks differ); the minted token must
    then still be accepted by v2, which allows none. Its exp is the legacy token's own (plus
    leeway): a logout's revocation lasts that long, whatever the grace end."""
    _, user_id = api.register()
    claims = v1_claims(user_id)  # issued 5 s "in the future" by a v1 whose clock is ahead:
    ahead = hs256({**claims, "iat": claims["iat"] + 5, "nbf": claims["nbf"] + 5}, LEGACY_KEY)
    assert call(api, "GET", "/items", ahead).status_code == 200
    assert call(api, "GET", f"/user/{user_id}", ahead).status_code == 200
    with api.app.test_request_context(headers={"Authorization": f"JWT {ahead}"}):
        from v2_jwt_extended.bridge import mint_from_legacy, verify_legacy

        claims = verify_legacy(ahead)
        minted = decode_unverified(mint_from_legacy(api.store.get_user(user_id), claims))[1]
    assert minted["iat"] <= time.time() and minted["fresh"] is False
    assert minted["exp"] >= claims["exp"] + 10
    assert minted["jti"] == f"legacy:{user_id}:{claims['iat']}"


# --- logout, password change, deletion -----------------------------------------------------

def test_logout_with_a_legacy_token_revokes_exactly_that_token(api: Api):
    _, user_id = api.register()
    _, other_id = api.register()
    mine, my_other, theirs = legacy(user_id), legacy(user_id, age=1), legacy(other_id)
    assert call(api, "POST", "/logout", mine).status_code == 200
    assert err(call(api, "GET", "/items", mine)) == (401, "token_revoked")
    assert call(api, "GET", "/items", my_other).status_code == 200
    assert call(api, "GET", "/items", theirs).status_code == 200


def test_a_password_change_or_a_deletion_ends_legacy_tokens_too(api: Api):
    name, user_id = api.register()
    token = legacy(user_id)
    fresh = api.login(name)
    body = {"old_password": PASSWORD, "new_password": "another password"}
    assert api.call("PUT", f"/user/{user_id}/password", token=fresh, json=body).status_code == 200
    assert err(call(api, "GET", "/items", token)) == (401, "token_revoked")
    assert err(exchange(api, token)) == (400, "invalid_grant")
    _, gone_id = api.register()
    gone = legacy(gone_id)
    api.store.delete_user(gone_id)
    assert err(call(api, "GET", "/items", gone)) == (401, "user_not_found")


# --- POST /auth and POST /token/exchange ---------------------------------------------------

def test_post_auth_is_flask_jwts_login_and_answers_a_v2_access_token(api: Api):
    name, user_id = api.register()
    answer = api.client.post("/auth", json={"username": name, "password": PASSWORD})
    assert answer.status_code == 200 and set(answer.get_json()) == {"access_token"}
    token = answer.get_json()["access_token"]
    assert decode_unverified(token)[1]["sub"] == str(user_id)
    assert call(api, "GET", f"/user/{user_id}", token, "JWT").status_code == 200
    wrong = api.client.post("/auth", json={"username": name, "password": "nope nope"})
    assert err(wrong) == (401, "invalid_credentials")


def test_token_exchange_is_one_shot(api: Api):
    _, user_id = api.register()
    token = legacy(user_id)
    answer = exchange(api, token)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert set(body) == {"access_token", "refresh_token", "issued_token_type", "token_type",
                         "expires_in"}
    assert (body["token_type"], body["issued_token_type"]) == (
        "Bearer", "urn:ietf:params:oauth:token-type:access_token")
    assert answer.headers["Cache-Control"] == "no-store"
    access = decode_unverified(body["access_token"])[1]
    assert access["fresh"] is False and access["sub"] == str(user_id)
    assert api.call("GET", "/items", token=body["access_token"]).status_code == 200
    assert api.call("POST", "/refresh", token=body["refresh_token"]).status_code == 200
    assert err(exchange(api, token)) == (400, "invalid_grant")  # spent
    assert err(call(api, "GET", "/items", token)) == (401, "token_revoked")


def test_token_exchange_accepts_json_and_names_rfc_6749_errors(api: Api):
    _, user_id = api.register()
    good = {"grant_type": EXCHANGE, "subject_token": legacy(user_id),
            "subject_token_type": JWT_TYPE}
    assert api.client.post("/token/exchange", json=good).status_code == 200
    assert err(exchange(api, legacy(user_id, age=1), grant_type="password")) == (
        400, "unsupported_grant_type")
    assert err(exchange(api, legacy(user_id, age=2), subject_token_type="x")) == (
        400, "invalid_request")
    assert err(api.client.post("/token/exchange", json=["x"])) == (400, "invalid_request")
    assert err(api.client.post("/token/exchange", data={"grant_type": EXCHANGE})) == (
        400, "invalid_request")


# --- the window closes; no bridge; settings ------------------------------------------------

def test_after_the_grace_end_legacy_tokens_are_told_to_log_in_again(db_url, secret_key):
    api = bridged(db_url, secret_key, open_for=-1)
    name, user_id = api.register()
    answer = call(api, "GET", f"/user/{user_id}", legacy(user_id))
    assert err(answer) == (401, "token_expired")
    assert "retired" in answer.get_json()["message"]
    assert "log in again" in answer.get_json()["message"].lower()
    assert err(exchange(api, legacy(user_id))) == (400, "invalid_grant")
    assert err(api.client.post("/auth", json={"username": name, "password": PASSWORD})) == (
        404, "not_found")


def test_without_the_bridge_jwt_is_the_401_that_names_bearer(db_url, secret_key):
    app = make_app(db_url, secret_key)
    plain = Api(app, app.test_client(), secret_key)
    _, user_id = plain.register()
    answer = call(plain, "GET", "/item/x", legacy(user_id))
    assert err(answer) == (401, "authorization_required")
    assert "Bearer" in answer.get_json()["message"]
    assert plain.client.post("/token/exchange").status_code == 404
    assert plain.client.post("/auth").status_code == 404


@pytest.mark.parametrize("settings", [
    {"LEGACY_JWT_SECRET_KEY": "jose", "LEGACY_TOKENS_UNTIL": "2099-01-01T00:00:00Z"},
    {"LEGACY_JWT_SECRET_KEY": "x" * 31, "LEGACY_TOKENS_UNTIL": "2099-01-01T00:00:00Z"},
    {"LEGACY_JWT_SECRET_KEY": LEGACY_KEY},
    {"LEGACY_TOKENS_UNTIL": "2099-01-01T00:00:00Z"},
    {"LEGACY_JWT_SECRET_KEY": LEGACY_KEY, "LEGACY_TOKENS_UNTIL": "next week"},
    {"LEGACY_JWT_SECRET_KEY": LEGACY_KEY, "LEGACY_TOKENS_UNTIL": "2099-01-01T00:00:00"},
])
def test_unsafe_or_half_settings_refuse_to_start(db_url, secret_key, settings):
    with pytest.raises(ConfigError):
        make_app(db_url, secret_key, **settings)


def test_v2_claims_helper_is_not_legacy(api: Api):
    """A v2-shaped token signed with the legacy key is not a legacy token."""
    _, user_id = api.register()
    token = hs256(v2_claims(str(user_id), fresh=True), LEGACY_KEY)
    assert err(call(api, "GET", "/items", token)) == (401, "invalid_token")


def test_an_exchanged_pair_ends_together_at_logout(api: Api):
    """The access token from an exchange carries its refresh token's id: a logout with it
    ends the 30-day refresh token too."""
    _, user_id = api.register()
    pair = exchange(api, legacy(user_id)).get_json()
    assert api.call("POST", "/logout", token=pair["access_token"]).status_code == 200
    assert err(api.call("POST", "/refresh", token=pair["refresh_token"])) == (
        401, "token_revoked")


def test_a_spent_token_stays_spent_through_its_leeway_and_a_prune(api: Api):
    """Spent means spent until the token could no longer be used at all: its exp plus
    Flask-JWT's 10 s leeway, not its bare exp."""
    _, user_id = api.register()
    in_leeway = legacy(user_id, age=305, lifetime=300)  # expired 5 s ago, inside the leeway
    assert exchange(api, in_leeway).status_code == 200
    api.store.revoke([])  # a prune of everything already expired
    assert err(exchange(api, in_leeway)) == (400, "invalid_grant")
    assert err(call(api, "GET", "/items", in_leeway)) == (401, "token_revoked")


def test_the_bridges_auth_throttles_per_address_and_answers_a_fresh_token(api: Api):
    """Old clients log in at the bridge's POST /auth: a stranger's failures there never lock
    the owner out from elsewhere, and the token lets them create items as on v1."""
    name, _ = api.register()
    stranger = {"REMOTE_ADDR": "198.51.100.9"}
    for _ in range(10):
        assert api.client.post("/auth", json={"username": name, "password": "wrong password"},
                               environ_base=stranger).status_code == 401
    assert api.client.post("/auth", json={"username": name, "password": PASSWORD},
                           environ_base=stranger).status_code == 429
    owner = api.client.post("/auth", json={"username": name, "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert owner.status_code == 200
    token = owner.get_json()["access_token"]
    assert api.call("POST", "/item/from-old-client", token=token,
                    json={"price": 1}).status_code == 201
