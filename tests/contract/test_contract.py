"""The API contract (design.md) that both apps serve. Runs in .venv-v1 against v1 and in
.venv-v2 against v2; what only one library does is in tests/v1 and tests/v2."""

import pytest

from shared import ConfigError
from sidebyside.tokens import hs256, sign, v1_claims, v2_claims
from tests.contract.conftest import LOGIN_PATH, PASSWORD, PREFIX, Api, make_app


def error_of(response) -> tuple[int, str | None]:
    body = response.get_json(silent=True)
    assert isinstance(body, dict), response.data[:200]
    if response.status_code >= 400:
        assert set(body) == {"message", "error"}, body
        assert isinstance(body["message"], str) and body["message"]
    return response.status_code, body.get("error")


def test_runs_in_production_configuration(api: Api):
    assert api.app.testing is False
    assert api.app.config["PROPAGATE_EXCEPTIONS"] is None
    assert api.app.debug is False


def test_statuses_are_right_with_testing_off(api: Api):
    """Flask-RESTful turns a JWT error in a Resource into 500 unless handled."""
    _, user = api.user_token()
    assert error_of(api.call("GET", "/item/chair")) == (401, "authorization_required")
    assert error_of(api.call("DELETE", "/item/chair", token=user)) == (403, "admin_required")
    assert error_of(api.call("GET", "/item/chair", token=user)) == (404, "not_found")
    assert error_of(api.call("GET", "/item/chair", token="not.a.jwt")) == (401, "invalid_token")


# --- /register -----------------------------------------------------------------------

def test_register_creates_a_user(api: Api):
    response = api.call("POST", "/register", json={"username": "Ann", "password": PASSWORD})
    assert response.status_code == 201
    assert response.get_json()["message"] == "User created successfully."
    assert api.store.find_user("ann").id == response.get_json()["id"]


def test_register_duplicate_is_409_without_regard_to_case(api: Api):
    api.register("Bob")
    response = api.call("POST", "/register", json={"username": "BOB", "password": PASSWORD})
    assert error_of(response) == (409, "already_exists")
    assert api.store.row_counts()["users"] == 1


BAD_BODIES = [
    {"data": "", "content_type": "application/json"},
    {"data": "not json", "content_type": "application/json"},
    {"data": "username=a&password=b", "content_type": "application/x-www-form-urlencoded"},
    {"data": "hello", "content_type": "text/plain"},
    {"json": None},
    {"json": ["username", "password"]},
    {"json": "username"},
    {"json": 42},
    {"json": {}},
    {"json": {"username": "ann"}},
    {"json": {"username": "ann", "password": PASSWORD, "extra": 1}},
    {"json": {"username": 1, "password": PASSWORD}},
    {"json": {"username": "ann", "password": 12345678}},
    {"json": {"username": "", "password": PASSWORD}},
    {"json": {"username": "ann", "password": ""}},
    {"json": {"username": "a" * 65, "password": PASSWORD}},
    {"json": {"username": "ann\u0000", "password": PASSWORD}},
]


@pytest.mark.parametrize("path", ["/register", LOGIN_PATH])
@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_bodies_are_400_and_write_nothing(api: Api, path, body):
    api.register("ann")
    before = api.store.row_counts()
    response = api.call("POST", path, **body)
    assert error_of(response) == (400, "validation_error")
    assert api.store.row_counts() == before


def test_weak_password_is_refused_at_register(api: Api):
    response = api.call("POST", "/register", json={"username": "ann", "password": "short"})
    assert error_of(response) == (400, "validation_error")


# --- login ---------------------------------------------------------------------------

def test_login_returns_an_access_token(api: Api):
    name, _ = api.register()
    response = api.call("POST", LOGIN_PATH, json={"username": name, "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["access_token"].count(".") == 2


@pytest.mark.parametrize("who", ["wrong password", "unknown user"])
def test_bad_credentials_are_401_invalid_credentials(api: Api, who):
    name, _ = api.register()
    body = ({"username": name, "password": "wrong-password"} if who == "wrong password"
            else {"username": "nobody", "password": PASSWORD})
    response = api.call("POST", LOGIN_PATH, json=body)
    assert error_of(response) == (401, "invalid_credentials")
    assert response.headers["WWW-Authenticate"].startswith(f"{PREFIX} realm=")


def test_failed_logins_are_throttled_with_retry_after(db_url, secret_key):
    app = make_app(db_url, secret_key, LOGIN_MAX_FAILURES=3)
    api = Api(app, app.test_client(), secret_key)
    name, _ = api.register()
    for _ in range(3):
        body = {"username": name, "password": "wrong-password"}
        assert api.call("POST", LOGIN_PATH, json=body).status_code == 401
    response = api.call("POST", LOGIN_PATH, json={"username": name, "password": PASSWORD})
    assert error_of(response) == (429, "too_many_attempts")
    assert 1 <= int(response.headers["Retry-After"]) <= 900


# --- the Authorization header ------------------------------------------------------

@pytest.mark.parametrize("header", ["", "   ", "\t", "Basic dXNlcjpwYXNz",
                                    "Token abc", "Bearer" if PREFIX == "JWT" else "JWT"])
def test_no_token_of_our_scheme_is_authorization_required(api: Api, header):
    response = api.call("GET", "/item/chair", headers={"Authorization": header})
    assert error_of(response) == (401, "authorization_required")
    assert response.headers["WWW-Authenticate"] == f'{PREFIX} realm="Login Required"'


@pytest.mark.parametrize("shape", ["{p}", "{p} {t} extra", "{p}   {t}  {t}"])
def test_malformed_authorization_header_is_invalid_token(api: Api, shape):
    _, token = api.user_token()
    header = shape.format(p=PREFIX, t=token)
    response = api.call("GET", "/item/chair", headers={"Authorization": header})
    assert error_of(response) == (401, "invalid_token")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_surrounding_whitespace_is_tolerated(api: Api):
    _, token = api.user_token()
    response = api.call("GET", "/item/chair", headers={"Authorization": f"  {PREFIX} {token}  "})
    assert error_of(response) == (404, "not_found")


# --- tokens that must not work ------------------------------------------------------

def claims_for(api: Api, user_id: int, **kw) -> dict:
    return v1_claims(user_id, **kw) if PREFIX == "JWT" else v2_claims(str(user_id), **kw)


def test_token_signed_with_another_key_is_invalid(api: Api):
    user_id, _ = api.user_token()
    forged = hs256(claims_for(api, user_id), "another key that is long enough, 32+ bytes")
    assert error_of(api.call("GET", "/item/x", token=forged)) == (401, "invalid_token")


def test_alg_none_is_invalid(api: Api):
    user_id, _ = api.user_token()
    unsigned = sign({"alg": "none", "typ": "JWT"}, claims_for(api, user_id), "").rsplit(".", 1)
    assert error_of(api.call("GET", "/item/x", token=unsigned[0] + ".")) == (401, "invalid_token")


def test_tampered_payload_is_invalid(api: Api):
    _, victim_token = api.user_token()
    attacker_id, _ = api.user_token()
    header, _payload, signature = victim_token.split(".")
    tampered = hs256(claims_for(api, attacker_id), "x").split(".")[1]
    token = f"{header}.{tampered}.{signature}"
    assert error_of(api.call("GET", "/item/x", token=token)) == (401, "invalid_token")


def test_expired_outside_any_leeway_is_token_expired(api: Api):
    user_id, _ = api.user_token()
    token = hs256(claims_for(api, user_id, age=400, lifetime=300), api.secret)
    response = api.call("GET", "/item/x", token=token)
    assert error_of(response) == (401, "token_expired")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_not_yet_valid_token_is_invalid(api: Api):
    user_id, _ = api.user_token()
    claims = claims_for(api, user_id)
    claims["nbf"] += 3600
    token = hs256(claims, api.secret)
    assert error_of(api.call("GET", "/item/x", token=token)) == (401, "invalid_token")


def test_token_of_a_deleted_user_is_user_not_found(api: Api):
    user_id, token = api.user_token()
    api.store.delete_user(user_id)
    assert error_of(api.call("GET", "/item/x", token=token)) == (401, "user_not_found")


# --- /user/<id> ---------------------------------------------------------------------

def test_get_user(api: Api):
    user_id, token = api.user_token()
    response = api.call("GET", f"/user/{user_id}", token=token)
    assert response.status_code == 200
    assert response.get_json() == {"id": user_id, "username": api.store.get_user(user_id)
                                   .username, "is_admin": False}
    assert error_of(api.call("GET", "/user/99999", token=token)) == (404, "not_found")
    assert error_of(api.call("GET", f"/user/{user_id}")) == (401, "authorization_required")


def test_delete_user_self_or_admin(api: Api):
    user_id, token = api.user_token()
    other_id, other_token = api.user_token()
    _, admin_token = api.user_token(admin=True)
    assert error_of(api.call("DELETE", f"/user/{other_id}", token=token)) == (
        403, "admin_required")
    assert api.call("DELETE", f"/user/{user_id}", token=token).status_code == 200
    assert api.store.get_user(user_id) is None
    assert api.call("DELETE", f"/user/{other_id}", token=admin_token).status_code == 200
    assert error_of(api.call("DELETE", "/user/99999", token=admin_token)) == (404, "not_found")
    assert error_of(api.call("GET", "/item/x", token=other_token)) == (401, "user_not_found")


# --- /item/<name> and /items ----------------------------------------------------------

def test_item_lifecycle(api: Api):
    _, token = api.user_token()
    _, admin = api.user_token(admin=True)
    assert error_of(api.call("GET", "/item/chair", token=token)) == (404, "not_found")
    created = api.call("POST", "/item/chair", token=token, json={"price": 12.5})
    assert created.status_code == 201
    assert created.get_json() == {"id": created.get_json()["id"], "name": "chair", "price": 12.5}
    assert error_of(api.call("POST", "/item/chair", token=token, json={"price": 1})) == (
        409, "already_exists")
    assert api.call("GET", "/item/chair", token=token).get_json()["price"] == 12.5
    assert api.call("PUT", "/item/chair", token=token, json={"price": 13}).status_code == 200
    assert api.call("PUT", "/item/table", token=token, json={"price": 0}).status_code == 201
    assert error_of(api.call("DELETE", "/item/chair", token=token)) == (403, "admin_required")
    assert api.call("DELETE", "/item/chair", token=admin).get_json() == {
        "message": "Item deleted."}
    assert error_of(api.call("DELETE", "/item/chair", token=admin)) == (404, "not_found")


@pytest.mark.parametrize("body", [{}, {"price": "12"}, {"price": -1}, {"price": None},
                                  {"price": 1, "extra": 2}, [1], {"price": True}])
def test_bad_item_bodies_are_400_and_write_nothing(api: Api, body):
    _, token = api.user_token()
    before = api.store.row_counts()
    for method in ("POST", "PUT"):
        response = api.call(method, "/item/chair", token=token, json=body)
        assert error_of(response) == (400, "validation_error")
    assert api.store.row_counts() == before


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_prices_are_400(api: Api, raw):
    _, token = api.user_token()
    response = api.call("PUT", "/item/chair", token=token, data=f'{{"price": {raw}}}',
                        content_type="application/json")
    assert error_of(response) == (400, "validation_error")
    assert api.store.get_item("chair") is None


def test_items_anonymous_and_with_a_token(api: Api):
    _, token = api.user_token()
    api.call("POST", "/item/chair", token=token, json={"price": 1})
    anonymous = api.call("GET", "/items")
    assert anonymous.get_json() == {"items": ["chair"],
                                    "message": "More data available if you log in."}
    full = api.call("GET", "/items", token=token)
    assert full.get_json() == {"items": [{"id": 1, "name": "chair", "price": 1.0}]}
    other_scheme = api.call("GET", "/items", headers={"Authorization": "Basic abc"})
    assert other_scheme.get_json()["items"] == ["chair"]


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_items_with_an_invalid_token_is_401_not_anonymous(api: Api, token):
    assert error_of(api.call("GET", "/items", token=token)) == (401, "invalid_token")


# --- HTTP-level errors are JSON too -----------------------------------------------------

def test_unknown_path_wrong_method_and_huge_body_are_json(api: Api):
    assert error_of(api.call("GET", "/nope")) == (404, "not_found")
    wrong = api.call("PATCH", "/items")
    assert error_of(wrong) == (405, "method_not_allowed")
    assert "GET" in wrong.headers["Allow"]
    huge = api.call("POST", "/register", data="x" * 70_000, content_type="application/json")
    assert error_of(huge) == (413, "payload_too_large")


# --- secrets ------------------------------------------------------------------------------

@pytest.mark.parametrize("secret", ["jose", "super-secret", "changeme", "x" * 31])
def test_app_refuses_to_start_with_a_weak_secret(db_url, secret, monkeypatch):
    monkeypatch.delenv("APP_DEV_MODE", raising=False)
    with pytest.raises(ConfigError):
        make_app(db_url, secret)


def test_app_refuses_to_start_without_a_secret(db_url, monkeypatch):
    monkeypatch.delenv("APP_DEV_MODE", raising=False)
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY is not set"):
        make_app(db_url, None)
