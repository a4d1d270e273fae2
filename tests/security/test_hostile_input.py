"""Hostile input against both live servers and v2's cut-over bridge, as outside testers sent
it (issue 24): attacker text in every token field a library might echo, JSON nested past any
parser's stack, lone surrogates, ids past the store's range, absurd claims. Every answer is a
4xx in the contract's shape (tests/security/rules.py: printable-ASCII headers, RFC 6750's
characters in error_description), and no attacker text reaches a header or a log line."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sidebyside.clients import AppClient, Exchange
from sidebyside.matrix import world_for
from sidebyside.scenarios import PASSWORD, World
from sidebyside.servers import AppServer, running_apps
from sidebyside.tokens import b64, sign, v1_claims
from tests.security.attacks import ATTACKER_KEY
from tests.security.rules import check_answer

EXCHANGE = {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"}
# What a library may copy into its error text, and what breaks a header or a log line.
NASTY = {
    "CR/LF": "a\r\nX-Injected: yes",
    "NUL": "a\x00b",
    "non-Latin-1": "\u20ac \u6f22\u5b57 \U0001f600",
    "10 kB": "A" * 10_000,
    "5 kB of CR/LF": "x\r\nX-Injected: yes\r\n" * 250,
}
HEADER_FIELDS = ("crit", "kid", "typ", "alg")
CLAIM_FIELDS = ("sub", "identity")
DEEP = 1_100


@pytest.fixture(scope="module")
def bridged(tmp_path_factory) -> Iterator[tuple[dict[str, AppServer], World]]:
    """v1, and v2 with the cut-over bridge open (so `JWT <token>` and /token/exchange too)."""
    workdir: Path = tmp_path_factory.mktemp("hostile")
    until = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    with running_apps(workdir, bridge_until=until) as servers:
        world = world_for(servers, workdir)
        with world.store:
            yield servers, world


def hostile_tokens(user_id: int, key: str) -> Iterator[tuple[str, str]]:
    """(what it is, token): each nasty value in each field a library might echo."""
    for field in (*HEADER_FIELDS, *CLAIM_FIELDS):
        for label, value in NASTY.items():
            header: dict = {"typ": "JWT", "alg": "HS256"}
            claims: dict = {"sub": str(user_id), "identity": user_id, "jti": "x",
                            **{k: v for k, v in v1_claims(user_id).items() if k != "identity"}}
            if field in HEADER_FIELDS:
                header[field] = [value] if field == "crit" else value
            else:
                claims[field] = value
            yield f"{field}={label}", sign(header, claims, key)


def routes(app: str, user_id: int, item: str) -> list[tuple[str, str, dict | None]]:
    shared = [("GET", f"/user/{user_id}", None), ("DELETE", f"/user/{user_id}", None),
              ("PUT", f"/user/{user_id}/password",
               {"old_password": PASSWORD, "new_password": "a new password"}),
              ("GET", f"/item/{item}", None), ("POST", f"/item/{item}x", {"price": 1}),
              ("PUT", f"/item/{item}", {"price": 2}), ("DELETE", f"/item/{item}", None),
              ("GET", "/items", None)]
    return shared + ([("POST", "/refresh", None), ("POST", "/logout", None)]
                     if app == "v2" else [])


def checked(ex: Exchange, *statuses: int) -> Exchange:
    check_answer(ex)
    context = f"{ex.app} {ex.method} {ex.path} -> {ex.status} {ex.body[:200]!r}"
    assert ex.status in statuses, context
    if ex.status >= 400:
        message = ex.json["message"]
        assert all(" " <= c <= "~" for c in message), context  # library text, sanitised
    assert "X-Injected" not in "".join(f"{k}: {v}" for k, v in ex.headers.items()), context
    return ex


def call(client: AppClient, method: str, path: str, scheme: str, token: str,
         body: dict | None) -> Exchange:
    return client.request(method, path, json_body=body,
                          headers={"Authorization": f"{scheme} {token}"})


def exchange(v2: AppClient, subject_token: str) -> Exchange:
    return v2.request("POST", "/token/exchange", json_body={**EXCHANGE,
                                                             "subject_token": subject_token})


def test_attacker_text_in_any_token_field_never_reaches_a_header_or_a_log_line(bridged):
    servers, world = bridged
    item = world.stock_item()
    sent = 0
    for app, client in world.clients.items():
        user_id = world.register(client).id
        schemes = [client.prefix] + (["JWT"] if app == "v2" else [])  # the bridge's scheme
        for what, token in hostile_tokens(user_id, ATTACKER_KEY):
            for scheme in schemes:
                for method, path, body in routes(app, user_id, item):
                    ex = call(client, method, path, scheme, token, body)
                    assert checked(ex, 401).error == "invalid_token", what
                    sent += 1
            if app == "v2":
                assert checked(exchange(client, token), 400).error == "invalid_grant", what
        # Signed with the app's own key (a thief of it, or a bug of ours): a library may
        # accept such a token or not, but its answer is never a 5xx nor a tainted header.
        for _, token in hostile_tokens(user_id, servers[app].secret):
            for path in (f"/user/{user_id}", f"/item/{item}", "/items"):
                checked(call(client, "GET", path, client.prefix, token, None), 200, 401)
                sent += 1
    assert sent > 1000
    for server in servers.values():
        assert "\nX-Injected" not in server.log(last_lines=100_000)
    assert world.store.get_item(item) is not None


def nested_token(where: str, key: str) -> str:
    deep = "[" * DEEP + "]" * DEEP
    header = {"typ": "JWT", "alg": "HS256"}
    payload = {"sub": "1", "identity": 1}
    parts = [json.dumps(part)[:-1] + (f', "x": {deep}}}' if where == name else "}")
             for name, part in (("header", header), ("payload", payload))]
    return f"{b64(parts[0])}.{b64(parts[1])}.{b64(key)}"


@pytest.mark.parametrize("where", ["header", "payload"])
def test_a_token_nested_1100_deep_is_a_401_on_every_route_of_both_apps(bridged, where):
    """W5: v1 answered 500 (PyJWT 1.7.1's RecursionError escaped Flask-JWT), also on the
    optional GET /items; the exchange too (PyJWT 2 inside the bridge)."""
    _, world = bridged
    item = world.stock_item()
    token = nested_token(where, "signature")
    for app, client in world.clients.items():
        for scheme in [client.prefix] + (["JWT"] if app == "v2" else []):
            for method, path, body in routes(app, 1, item):
                ex = checked(call(client, method, path, scheme, token, body), 401)
                assert ex.error == "invalid_token"
                assert "nested too deeply" in ex.json["message"]
    assert checked(exchange(world.clients["v2"], token), 400).error == "invalid_grant"
    too_long = f"{b64('{}')}.{'A' * 9000}.sig"
    for client in world.clients.values():
        assert checked(call(client, "GET", "/items", client.prefix, too_long, None),
                       401).error == "invalid_token"


DEEP_BODY = "[" * DEEP + "]" * DEEP


@pytest.mark.parametrize("body", [DEEP_BODY, f'{{"a": {DEEP_BODY}}}',
                                  f'{{"username": "x", "password": {"[" * 40 + "]" * 40}}}'])
def test_json_bodies_nested_too_deep_are_a_400_everywhere(bridged, body):
    """W4: /token/exchange answered 500 to a body nested ~1,100 deep, without any account."""
    _, world = bridged
    for app, client in world.clients.items():
        paths = ["/register", client.login_path] + (["/token/exchange", "/auth"]
                                                    if app == "v2" else [])
        for path in paths:
            ex = client.request("POST", path, raw_body=body, content_type="application/json")
            assert checked(ex, 400).error in {"validation_error", "invalid_request"}


def test_a_lone_surrogate_anywhere_in_a_json_body_is_a_400(bridged):
    _, world = bridged
    v2 = world.clients["v2"]
    lone = json.dumps({**EXCHANGE, "subject_token": "\ud800"})
    ex = v2.request("POST", "/token/exchange", raw_body=lone, content_type="application/json")
    assert checked(ex, 400).error == "invalid_request"
    key_too = '{"\\udfff": 1, "grant_type": "x"}'
    ex = v2.request("POST", "/token/exchange", raw_body=key_too,
                    content_type="application/json")
    assert checked(ex, 400).error == "invalid_request"
    for client in world.clients.values():
        ex = client.request("POST", client.login_path,
                            raw_body='{"username": "\\ud800", "password": "x"}',
                            content_type="application/json")
        assert checked(ex, 400).error == "validation_error"


@pytest.mark.parametrize("user_id", [2**31, 2**63 - 1])
def test_ids_past_the_stores_range_are_404_never_500(bridged, user_id):
    """W6: PostgreSQL keeps ids as 32-bit INTEGER; /user/2147483648 was a 500 there for any
    logged-in user (v1, v2, the bridge), DELETE for an admin."""
    _, world = bridged
    for client in world.clients.values():
        admin = world.register(client, admin=True)
        token = client.tokens(admin.name, PASSWORD).access
        for method in ("GET", "DELETE"):
            ex = client.request(method, f"/user/{user_id}", token=token)
            assert checked(ex, 404).error == "not_found"
    v1, v2 = world.clients["v1"], world.clients["v2"]
    legacy = v1.tokens(world.register(v1, admin=True).name, PASSWORD).access
    ex = v2.request("GET", f"/user/{user_id}", headers={"Authorization": f"JWT {legacy}"})
    assert checked(ex, 404).error == "not_found"


def test_an_absurd_iat_signed_with_the_apps_own_key_is_a_401(bridged):
    """v1 answered 500 to iat 1e308 (the account-generation check overflowed)."""
    _, world = bridged
    for client in world.clients.values():
        user = world.register(client)
        for iat in (1e308, -1e308, 1e20):
            token = client.forge({**client.claims(user.id), "iat": iat})
            ex = client.request("GET", f"/user/{user.id}", token=token)
            assert checked(ex, 401).error in {"invalid_token", "token_revoked"}


def test_a_users_record_shows_privileges_only_to_that_user_or_an_admin(bridged):
    """W14, on both apps and across them."""
    _, world = bridged
    for client in world.clients.values():
        me, someone = world.register(client), world.register(client, admin=True)
        admin = world.register(world.other(client), admin=True)
        mine = client.tokens(me.name, PASSWORD).access
        admins = client.tokens(admin.name, PASSWORD).access
        assert checked(client.request("GET", f"/user/{someone.id}", token=mine), 200).json == {
            "id": someone.id, "username": someone.name}
        assert checked(client.request("GET", f"/user/{me.id}", token=mine), 200).json[
            "is_admin"] is False
        assert checked(client.request("GET", f"/user/{someone.id}", token=admins), 200).json[
            "is_admin"] is True


def test_passwords_are_one_password_in_every_unicode_form_on_both_apps(bridged):
    """NIST SP 800-63B 5.1.1.2: NFKC before hashing and checking. Registered on one app with
    a ligature and a decomposed accent, the plain forms log in on the other."""
    _, world = bridged
    v1, v2 = world.clients["v1"], world.clients["v2"]
    typed, plain = "\ufb01nance cafe\u0301 2026", "finance caf\u00e9 2026"
    for first, second in ((v1, v2), (v2, v1)):
        name = f"nfkc{first.name}{world.run_id}"
        assert checked(first.register(name, typed), 201)
        assert checked(second.login(name, plain), 200)
        assert checked(first.login(name, typed), 200)
