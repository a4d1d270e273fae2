"""What Flask-JWT-Extended 4.x (v2) adds: refresh, freshness, claims, logout; its pitfalls."""

import time
from importlib.metadata import version

import flask
import jwt
import pytest
from flask_jwt_extended import JWTManager, create_access_token, decode_token, jwt_required
from flask_restful import Api as PlainApi
from flask_restful import Resource

from sidebyside.tokens import decode_unverified, hs256, v1_claims, v2_claims
from tests.contract.conftest import PASSWORD, Api, make_app


def test_stack_versions():
    assert jwt.__version__.startswith("2.")
    assert version("flask").startswith("3.1.")
    assert version("flask-jwt-extended").startswith("4.7.")


def login(api: Api, name: str) -> dict:
    response = api.call("POST", "/login", json={"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def err(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]


def test_login_returns_fresh_access_and_linked_refresh_token(api: Api):
    name, user_id = api.register()
    tokens = login(api, name)
    assert set(tokens) == {"access_token", "refresh_token"}
    _, access = decode_unverified(tokens["access_token"])
    _, refresh = decode_unverified(tokens["refresh_token"])
    assert access["sub"] == str(user_id)  # a string: PyJWT >= 2.10 rejects an int "sub"
    assert (access["type"], access["fresh"], access["is_admin"]) == ("access", True, False)
    assert access["exp"] - access["nbf"] == 15 * 60
    assert refresh["type"] == "refresh"
    assert refresh["exp"] - refresh["nbf"] == 30 * 24 * 3600
    # One iat for both, to the microsecond, taken when the login request began: never later
    # than the token was made (nbf, whole seconds; the two may straddle a second boundary).
    assert access["iat"] == refresh["iat"] and int(access["iat"]) <= access["nbf"]
    assert access["iat"] <= access["nbf"] + 1
    assert access["refresh_jti"] == refresh["jti"]


def test_refresh_gives_a_non_fresh_access_token(api: Api):
    name, _ = api.register()
    tokens = login(api, name)
    response = api.call("POST", "/refresh", token=tokens["refresh_token"])
    assert response.status_code == 200
    assert set(response.get_json()) == {"access_token"}
    _, claims = decode_unverified(response.get_json()["access_token"])
    assert claims["fresh"] is False
    assert claims["refresh_jti"] == decode_unverified(tokens["refresh_token"])[1]["jti"]


def test_token_types_are_not_interchangeable(api: Api):
    name, _ = api.register()
    tokens = login(api, name)
    refresh_at_access = api.call("GET", "/item/x", token=tokens["refresh_token"])
    assert err(refresh_at_access) == (401, "invalid_token")
    assert err(api.call("GET", "/items", token=tokens["refresh_token"])) == (401, "invalid_token")
    access_at_refresh = api.call("POST", "/refresh", token=tokens["access_token"])
    assert err(access_at_refresh) == (401, "invalid_token")
    # ... and each says which token to send where.
    assert "send the access token" in refresh_at_access.get_json()["message"]
    assert "send the refresh token" in access_at_refresh.get_json()["message"]


def test_fresh_token_required_for_creating_items_and_deleting_users(api: Api):
    name, user_id = api.register()
    tokens = login(api, name)
    stale = api.call("POST", "/refresh", token=tokens["refresh_token"]).get_json()["access_token"]
    post = api.call("POST", "/item/chair", token=stale, json={"price": 1})
    assert err(post) == (401, "fresh_token_required")
    assert "log in with your password at POST /login" in post.get_json()["message"]
    assert 'error="invalid_token"' in post.headers["WWW-Authenticate"]
    assert err(api.call("DELETE", f"/user/{user_id}", token=stale)) == (
        401, "fresh_token_required")
    assert api.call("PUT", "/item/chair", token=stale, json={"price": 1}).status_code == 201
    assert api.call("POST", "/item/table", token=tokens["access_token"],
                    json={"price": 1}).status_code == 201
    assert api.store.get_user(user_id) is not None


@pytest.mark.parametrize("logout_with", ["access_token", "refresh_token", "refreshed_access"])
def test_logout_revokes_the_whole_login(api: Api, logout_with):
    name, _ = api.register()
    tokens = login(api, name)
    refreshed = api.call("POST", "/refresh", token=tokens["refresh_token"]).get_json()
    tokens["refreshed_access"] = refreshed["access_token"]
    other_login = login(api, name)  # another device: not affected
    response = api.call("POST", "/logout", token=tokens[logout_with])
    assert response.get_json() == {"message": "Successfully logged out."}
    for kind in ("access_token", "refreshed_access"):
        assert err(api.call("GET", "/item/x", token=tokens[kind])) == (401, "token_revoked")
    assert err(api.call("POST", "/refresh", token=tokens["refresh_token"])) == (
        401, "token_revoked")
    assert api.call("GET", "/item/x", token=other_login["access_token"]).status_code == 404


def test_revocation_survives_a_restart(db_url, secret_key):
    first = make_app(db_url, secret_key)
    api = Api(first, first.test_client(), secret_key)
    name, _ = api.register()
    tokens = login(api, name)
    api.call("POST", "/logout", token=tokens["access_token"])
    restarted = make_app(db_url, secret_key)
    again = Api(restarted, restarted.test_client(), secret_key)
    assert err(again.call("POST", "/refresh", token=tokens["refresh_token"])) == (
        401, "token_revoked")


def test_revoked_entries_are_pruned_once_expired(api: Api):
    name, _ = api.register()
    api.store.revoke([("long-expired", int(time.time()) - 1)])
    tokens = login(api, name)
    api.call("POST", "/logout", token=tokens["access_token"])
    assert api.store.row_counts()["revoked_tokens"] == 2  # this login's two, not the old one


def test_deleted_users_tokens_are_refused(api: Api):
    name, user_id = api.register()
    tokens = login(api, name)
    assert api.call("DELETE", f"/user/{user_id}", token=tokens["access_token"]).status_code == 200
    assert err(api.call("GET", "/item/x", token=tokens["access_token"])) == (
        401, "user_not_found")
    assert err(api.call("POST", "/refresh", token=tokens["refresh_token"])) == (
        401, "user_not_found")


def test_demoted_admin_keeps_the_claim_until_the_token_expires(api: Api):
    """The trade-off of claims: no per-request lookup of the flag (v1 looked it up)."""
    name, _ = api.register()
    api.store.set_admin(name, True)
    tokens = login(api, name)
    api.call("PUT", "/item/a", token=tokens["access_token"], json={"price": 1})
    api.call("PUT", "/item/b", token=tokens["access_token"], json={"price": 1})
    api.store.set_admin(name, False)
    assert api.call("DELETE", "/item/a", token=tokens["access_token"]).status_code == 200
    refreshed = api.call("POST", "/refresh", token=tokens["refresh_token"]).get_json()
    assert err(api.call("DELETE", "/item/b", token=refreshed["access_token"])) == (
        403, "admin_required")  # /refresh reads the flag again


def test_promoted_user_needs_a_new_token(api: Api):
    name, _ = api.register()
    tokens = login(api, name)
    api.call("PUT", "/item/a", token=tokens["access_token"], json={"price": 1})
    api.store.set_admin(name, True)
    assert err(api.call("DELETE", "/item/a", token=tokens["access_token"])) == (
        403, "admin_required")
    assert api.call("DELETE", "/item/a", token=login(api, name)["access_token"]).status_code == 200


def test_no_leeway_a_token_expired_five_seconds_ago_is_refused(api: Api):
    _, user_id = api.register()
    token = hs256(v2_claims(str(user_id), age=905, lifetime=900), api.secret)
    assert err(api.call("GET", "/item/x", token=token)) == (401, "token_expired")


@pytest.mark.parametrize("sub", [1, None, "abc", "²", "1 OR 1=1", "-1"])
def test_odd_subjects_are_refused_not_500(api: Api, sub):
    api.register()
    claims = v2_claims(sub)
    if sub is None:
        del claims["sub"]
    status, code = err(api.call("GET", "/item/x", token=hs256(claims, api.secret)))
    assert status == 401 and code in {"invalid_token", "user_not_found"}


def test_v1_token_signed_with_the_v2_key_is_invalid(api: Api):
    _, user_id = api.register()
    token = hs256(v1_claims(user_id), api.secret)
    response = api.call("GET", "/item/x", token=token)
    assert err(response) == (401, "invalid_token")
    assert "sub" in response.get_json()["message"]


def test_no_flask_jwt_endpoint(api: Api):
    assert api.call("POST", "/auth", json={}).status_code == 404


# --- pitfalls of 4.x, measured against the real library ------------------------------------

def bare_app(secret: str, **config) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config.update(JWT_SECRET_KEY=secret, **config)
    JWTManager(app)
    return app


def test_int_identity_encodes_but_every_use_fails(secret_key):
    app = bare_app(secret_key)
    with app.app_context():
        token = create_access_token(identity=1)  # no error here...
        with pytest.raises(jwt.exceptions.InvalidSubjectError, match="Subject must be a string"):
            decode_token(token)  # ...only when the token comes back


def test_the_flask_restful_500_trap_is_real_in_v2_too(secret_key):
    app = bare_app(secret_key)

    class Item(Resource):
        @jwt_required()
        def get(self, name):
            return {"name": name}

    PlainApi(app).add_resource(Item, "/item/<string:name>")
    response = app.test_client().get("/item/chair")
    assert response.status_code == 500
    assert response.get_json() == {"message": "Internal Server Error"}


def test_default_error_statuses_are_422_for_malformed_tokens(secret_key):
    app = bare_app(secret_key)
    app.add_url_rule("/plain", view_func=jwt_required()(lambda: "ok"))
    client = app.test_client()
    assert client.get("/plain", headers={"Authorization": "Bearer garbage"}).status_code == 422
    assert client.get("/plain").get_json() == {"msg": "Missing Authorization Header"}


def test_logout_works_with_tokens_that_never_expire(db_url, secret_key):
    app = make_app(db_url, secret_key, JWT_ACCESS_TOKEN_EXPIRES=False,
                   JWT_REFRESH_TOKEN_EXPIRES=False)
    api = Api(app, app.test_client(), secret_key)
    name, _ = api.register()
    tokens = login(api, name)
    assert "exp" not in decode_unverified(tokens["access_token"])[1]
    assert api.call("POST", "/logout", token=tokens["access_token"]).status_code == 200
    assert err(api.call("POST", "/refresh", token=tokens["refresh_token"])) == (
        401, "token_revoked")


def test_an_expired_refresh_token_is_told_to_log_in_again(api: Api):
    _, user_id = api.user_token()
    token = hs256(v2_claims(str(user_id), age=120, lifetime=60, type_="refresh"), api.secret)
    answer = api.call("POST", "/refresh", token=token)
    assert err(answer) == (401, "token_expired")
    assert "refresh token has expired. Log in again at POST /login" in answer.get_json()[
        "message"]


def test_password_change_needs_a_fresh_token(api: Api):
    name, user_id = api.register()
    tokens = login(api, name)
    stale = api.call("POST", "/refresh", token=tokens["refresh_token"]).get_json()["access_token"]
    body = {"old_password": PASSWORD, "new_password": "another password"}
    answer = api.call("PUT", f"/user/{user_id}/password", token=stale, json=body)
    assert err(answer) == (401, "fresh_token_required")
    assert api.call("PUT", f"/user/{user_id}/password", token=tokens["access_token"],
                    json=body).status_code == 200


def test_header_only_tokens_carry_a_csrf_claim_unless_csrf_protection_is_off(db_url, secret_key):
    """Flask-JWT-Extended adds `csrf` to every token, for the cookie location it might be used
    in; with JWT_COOKIE_CSRF_PROTECT=False it does not."""
    app = make_app(db_url, secret_key)
    api = Api(app, app.test_client(), secret_key)
    name, _ = api.register()
    assert "csrf" in decode_unverified(login(api, name)["access_token"])[1]
    plain = make_app(db_url, secret_key, JWT_COOKIE_CSRF_PROTECT=False)
    bare = Api(plain, plain.test_client(), secret_key)
    assert "csrf" not in decode_unverified(login(bare, name)["access_token"])[1]
