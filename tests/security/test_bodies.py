"""Property-based body fuzzing (hypothesis) of every endpoint that takes a body, on both
apps as real servers: wrong JSON types, missing and extra fields, huge and odd Unicode,
non-JSON bodies and content types. Rejected requests write nothing."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidebyside.scenarios import PASSWORD, World
from tests.security.attacks import Target
from tests.security.rules import check_answer

# FUZZ_EXAMPLES=2000 searches harder (a few minutes). CI runs the default with a fixed seed,
# so that a landing never depends on luck; local runs explore new examples each time.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "120")), deadline=None,
                database=None, derandomize=os.environ.get("CI") == "true",
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

odd_text = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=20),  # incl. surrogates
    st.sampled_from(["", " ", "\x00", "\ud800", "a\udfffb", "\u202e", "\ufeff", "😀" * 40,
                     "x" * 300, "\ufb01", "\u0130", "\u00df", "\u01c4"]),
)
numbers = st.one_of(st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=False, allow_infinity=False))
json_values = st.recursive(
    st.none() | st.booleans() | numbers | odd_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=6,
)
field = st.one_of(odd_text, json_values)


def credential_bodies(username=field, password=field):
    exact = st.fixed_dictionaries({"username": username, "password": password})
    missing = st.fixed_dictionaries({}, optional={"username": username, "password": password})
    extra = st.fixed_dictionaries({"username": username, "password": password,
                                   "is_admin": json_values})
    return st.one_of(exact, missing, extra, json_values)


price_bodies = st.one_of(
    st.fixed_dictionaries({"price": st.one_of(numbers, json_values)}),
    st.fixed_dictionaries({"price": numbers, "name": json_values}),
    json_values,
)
raw_bodies = st.tuples(
    st.one_of(st.binary(max_size=200),
              st.sampled_from([b"", b"{", b"null", b'{"price": NaN}', b'{"price": Infinity}',
                               b'{"price": 1e999}', b'{"username": "a", "username": "b"}',
                               b"\xff\xfe", b'{"a": "\\ud800"}', b"[" * 5000])),
    st.sampled_from([None, "application/json", "text/plain", "application/x-www-form-urlencoded",
                     "multipart/form-data; boundary=x", "application/json; charset=latin-1",
                     "application/xml"]),
)


def url_safe_name(name: str) -> bool:
    """A name a URL path can carry (invalid UTF-8 in paths is tested on its own below)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return bool(name) and "/" not in name and "?" not in name and "#" not in name


def send_and_check(world: World, t: Target, method: str, path: str, *, json_body=None,
                   raw=None, content_type=None, token=None) -> None:
    before = world.store.row_counts()
    if json_body is not None:
        raw, content_type = json.dumps(json_body).encode(), "application/json"
    ex = t.client.request(method, path, raw_body=raw, content_type=content_type, token=token)
    check_answer(ex)
    after = world.store.row_counts()
    if ex.status >= 400:
        if ex.error == "invalid_credentials":  # a failed login is counted, on purpose
            after.pop("login_failures"), before.pop("login_failures")
        assert after == before, f"{ex.status} {ex.body[:200]!r} but rows changed"


@pytest.mark.parametrize("app", ["v1", "v2"])
@FUZZ
@given(body=credential_bodies())
def test_register_bodies(app, body, targets, world):
    send_and_check(world, targets[app], "POST", "/register", json_body=body)


@pytest.mark.parametrize("app", ["v1", "v2"])
@FUZZ
@given(body=credential_bodies(username=st.one_of(field, st.just("nobody")),
                              password=st.one_of(field, st.just(PASSWORD))))
def test_login_bodies(app, body, targets, world):
    t = targets[app]
    send_and_check(world, t, "POST", t.client.login_path, json_body=body)


@pytest.mark.parametrize("app", ["v1", "v2"])
@pytest.mark.parametrize("method", ["POST", "PUT"])
@FUZZ
@given(body=price_bodies, name=odd_text.filter(url_safe_name))
def test_item_bodies_and_names(app, method, body, name, targets, world):
    t = targets[app]
    send_and_check(world, t, method, f"/item/{name}", json_body=body, token=t.access)


@pytest.mark.parametrize("app", ["v1", "v2"])
@FUZZ
@given(raw=raw_bodies, target=st.sampled_from(["/register", "login", "/item/fuzzed"]))
def test_non_json_bodies_and_content_types(app, raw, target, targets, world):
    t = targets[app]
    path = t.client.login_path if target == "login" else target
    body, content_type = raw
    send_and_check(world, t, "POST", path, raw=body, content_type=content_type,
                   token=t.access if path.startswith("/item") else None)


@pytest.mark.parametrize("app", ["v1", "v2"])
@pytest.mark.parametrize("path", ["/item/%ED%A0%80", "/item/%FF%FE", "/item/%00", "/item/%20",
                                  "/item/" + "x" * 5000, "/user/-1", "/user/99999999999999999999",
                                  "/user/%C2%B2"])
def test_odd_paths(app, path, targets, world):
    """Percent-escapes that are not UTF-8, NUL, blank and oversized names, odd ids."""
    import http.client

    t = targets[app]
    before = world.store.row_counts()
    host, port = t.client.base_url.removeprefix("http://").split(":")
    for method in ("GET", "PUT", "DELETE"):
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request(method, path, body=b'{"price": 1}', headers={
            "Authorization": f"{t.client.prefix} {t.access}",
            "Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status < 500, body
        assert method == "GET" or response.status >= 400, body  # nothing created or deleted
        assert response.getheader("Content-Type", "").startswith("application/json"), body
    assert world.store.row_counts() == before
