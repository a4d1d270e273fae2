"""Forged, malformed and misused tokens, and every Authorization header shape, against both
apps as real servers."""

import http.client

import pytest

from sidebyside.scenarios import World
from tests.security.attacks import FORGERIES, HEADER_SHAPES, KEYED, V2_ONLY, header_value
from tests.security.rules import check_answer, outcome

APPS = ("v1", "v2")
# Every forgery is tried on a read, on the optional-JWT list, and on a write.
ENDPOINTS = [("GET", "/item/{item}"), ("GET", "/items"), ("PUT", "/item/forged-{app}")]


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("attack", FORGERIES, ids=lambda a: a.key)
def test_forgeries_are_refused_everywhere(attack, method, path, app, targets, world: World):
    t = targets[app]
    before = world.store.row_counts()
    ex = t.client.request(method, path.format(item=t.stock_item, app=app),
                          token=attack.build(t), json_body={"price": 1} if method == "PUT"
                          else None)
    check_answer(ex)
    assert outcome(ex) == attack.expected(app), ex.body[:300]
    assert world.store.row_counts() == before


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("attack", KEYED, ids=lambda a: a.key)
def test_claim_checks_with_the_servers_own_key(attack, app, targets):
    t = targets[app]
    ex = t.client.request("GET", f"/item/{t.stock_item}", token=attack.build(t))
    check_answer(ex)
    assert outcome(ex) == attack.expected(app), ex.body[:300]


@pytest.mark.parametrize("attack", V2_ONLY, ids=lambda a: a.key)
def test_token_types_and_revocation(attack, targets):
    t = targets["v2"]
    ex = t.client.request("GET", f"/item/{t.stock_item}", token=attack.build(t))
    check_answer(ex)
    assert outcome(ex) == attack.v2


def test_access_token_at_refresh_and_revoked_refresh_token(targets):
    t = targets["v2"]
    for token, code in [(t.access, "invalid_token"), (t.revoked_refresh, "token_revoked"),
                        (t.non_fresh, "invalid_token")]:
        ex = t.client.request("POST", "/refresh", token=token)
        check_answer(ex)
        assert outcome(ex) == code


def test_non_fresh_token_where_fresh_is_required(targets, world: World):
    t = targets["v2"]
    before = world.store.row_counts()
    for method, path in [("POST", "/item/needs-fresh"), ("DELETE", f"/user/{t.user_id}")]:
        ex = t.client.request(method, path, token=t.non_fresh, json_body={"price": 1})
        check_answer(ex)
        assert outcome(ex) == "fresh_token_required"
    assert world.store.row_counts() == before


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize(("key", "template", "v1", "v2"), HEADER_SHAPES,
                         ids=[s[0] for s in HEADER_SHAPES])
def test_authorization_header_shapes(key, template, v1, v2, app, targets, world: World):
    t = targets[app]
    headers = {} if template is None else {
        "Authorization": header_value(template, t, world.other(t.client).prefix)}
    ex = t.client.request("GET", f"/item/{t.stock_item}", headers=headers)
    check_answer(ex)
    assert outcome(ex) == (v1 if app == "v1" else v2), ex.body[:300]


@pytest.mark.parametrize(("app", "expected"), [("v1", "invalid_token"),
                                               ("v2", "authorization_required")])
def test_duplicate_authorization_headers(app, expected, targets):
    """The server joins repeated headers with a comma: neither app guesses which one."""
    t = targets[app]
    host, port = t.client.base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", f"/item/{t.stock_item}")
    conn.putheader("Authorization", f"{t.client.prefix} {t.access}")
    conn.putheader("Authorization", f"{t.client.prefix} garbage")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 401, body
    assert expected.encode() in body
