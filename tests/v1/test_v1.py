"""What is specific to Flask-JWT 0.3.2 (v1), and proof that its defects are real and fixed."""

import hmac
import sys
import warnings
from datetime import timedelta
from pathlib import Path

import flask
import flask_jwt
import jwt
import pytest
from flask_jwt import JWT, jwt_required
from flask_restful import Api as PlainApi
from flask_restful import Resource

from sidebyside.tokens import decode_unverified, hs256, v1_claims, v2_claims
from tests.contract.conftest import Api


def test_stack_versions():
    assert jwt.__version__ == "1.7.1"
    assert flask_jwt.__version__ == "0.3.2"
    assert flask.__version__ if hasattr(flask, "__version__") else True
    from importlib.metadata import version

    assert version("flask") == "2.3.3"
    assert version("werkzeug").startswith("3.1.")


def test_auth_token_is_flask_jwt_shaped(api: Api):
    _, token = api.user_token()
    header, payload = decode_unverified(token)
    assert header == {"typ": "JWT", "alg": "HS256"}
    assert set(payload) == {"exp", "iat", "nbf", "identity"}
    assert type(payload["identity"]) is int
    assert payload["exp"] - payload["nbf"] == 300
    # iat to the microsecond (RFC 7519 NumericDates may be fractional): identity() compares
    # it with the account's last password change.
    assert payload["nbf"] <= payload["iat"] < payload["nbf"] + 1


def test_expired_token_inside_the_ten_second_leeway_is_accepted(api: Api):
    user_id, _ = api.user_token()
    token = hs256(v1_claims(user_id, age=305, lifetime=300), api.secret)  # expired 5 s ago
    assert api.call("GET", "/item/x", token=token).status_code == 404  # accepted: no such item


@pytest.mark.parametrize("path", ["/login", "/refresh", "/logout"])
def test_no_v2_endpoints(api: Api, path):
    assert api.call("POST", path).status_code == 404


@pytest.mark.parametrize("identity", [None, "1", True, 1.0, [1]])
def test_token_without_an_integer_identity_is_invalid_not_500(api: Api, identity):
    claims = v1_claims(1)
    if identity is None:
        del claims["identity"]
    else:
        claims["identity"] = identity
    response = api.call("GET", "/item/x", token=hs256(claims, api.secret))
    assert (response.status_code, response.get_json()["error"]) == (401, "invalid_token")


def test_v2_shaped_token_signed_with_the_v1_key_is_invalid_not_500(api: Api):
    user_id, _ = api.user_token()
    token = hs256(v2_claims(str(user_id)), api.secret)
    response = api.call("GET", "/item/x", token=token)
    assert (response.status_code, response.get_json()["error"]) == (401, "invalid_token")


def test_demoted_admin_is_denied_at_once(api: Api):
    """identity() looks the user up on every request: no stale admin claim in v1."""
    _, token = api.user_token(admin=True)
    api.call("PUT", "/item/chair", token=token, json={"price": 1})
    name = api.store.list_users()[-1].username
    api.store.set_admin(name, False)
    assert api.call("DELETE", "/item/chair", token=token).status_code == 403


# --- the defects of the unpatched course app, measured against the real libraries -----

def course_app(secret: str) -> flask.Flask:
    """The course's wiring: JWT(app, authenticate, identity), a plain flask_restful.Api,
    identity() reading payload['identity']; no PROPAGATE_EXCEPTIONS."""
    app = flask.Flask(__name__)
    app.config["JWT_SECRET_KEY"] = secret
    users = {1: type("U", (), {"id": 1})()}
    JWT(app, lambda u, p: users[1] if (u, p) == ("bob", "pw") else None,
        lambda payload: users.get(payload["identity"]))

    class Item(Resource):
        @jwt_required()
        def get(self, name):
            return {"name": name}

    PlainApi(app).add_resource(Item, "/item/<string:name>")
    return app


def test_the_flask_restful_500_trap_is_real(secret_key):
    client = course_app(secret_key).test_client()
    response = client.get("/item/chair")  # no token
    assert response.status_code == 500
    assert response.get_json() == {"message": "Internal Server Error"}


@pytest.mark.parametrize(("body", "content_type", "status"), [
    ('["bob", "pw"]', "application/json", 500),  # 'list' object has no attribute 'get'
    ("null", "application/json", 500),  # 'NoneType' object has no attribute 'get'
    ('{"username": "bob", "password": 123}', "application/json", 401),
    ("x", "text/plain", 415),  # Werkzeug >= 2.3: get_json() refuses, as an HTML page
    ("", None, 415),
])
def test_flask_jwt_auth_fails_on_bad_bodies(secret_key, body, content_type, status):
    response = course_app(secret_key).test_client().post(
        "/auth", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.is_json is (status == 401)  # the 500s and 415s are HTML pages


def test_flask_jwt_header_parser_crashes_on_whitespace(secret_key):
    app = course_app(secret_key)
    app.add_url_rule("/plain", view_func=jwt_required()(lambda: "ok"))
    assert app.test_client().get("/plain", headers={"Authorization": "   "}).status_code == 500


def test_course_identity_crashes_on_a_token_without_identity(secret_key):
    app = course_app(secret_key)
    app.add_url_rule("/plain", view_func=jwt_required()(lambda: "ok"))
    token = hs256({k: v for k, v in v1_claims(1).items() if k != "identity"}, secret_key)
    response = app.test_client().get("/plain", headers={"Authorization": f"JWT {token}"})
    assert response.status_code == 500


def test_jwt_required_needs_parentheses(secret_key):
    app = course_app(secret_key)
    app.add_url_rule("/broken", view_func=jwt_required(lambda: "ok"))
    assert app.test_client().get("/broken").status_code == 500


def test_flask_jwt_secret_is_copied_at_init_time(secret_key):
    app = flask.Flask(__name__)
    JWT(app, lambda u, p: None, lambda p: None)
    app.config["SECRET_KEY"] = secret_key  # too late: Flask-JWT copied None already
    assert app.config["JWT_SECRET_KEY"] is None


def test_flask_jwt_defaults(secret_key):
    app = course_app(secret_key)
    assert app.config["JWT_EXPIRATION_DELTA"] == timedelta(seconds=300)
    assert app.config["JWT_LEEWAY"] == timedelta(seconds=10)
    assert app.config["JWT_AUTH_HEADER_PREFIX"] == "JWT"


# --- step 0 of the migration notes: why the v1 stack is pinned as it is -----------------

def test_safe_str_cmp_is_gone_from_werkzeug():
    with pytest.raises(ImportError, match="safe_str_cmp"):
        from werkzeug.security import safe_str_cmp  # noqa: F401


def test_compare_digest_needs_bytes_for_non_ascii():
    with pytest.raises(TypeError, match="non-ASCII"):
        hmac.compare_digest("pässword", "pässword")
    assert hmac.compare_digest("pässword".encode(), "pässword".encode())


def test_before_first_request_is_gone():
    with pytest.raises(AttributeError, match="before_first_request"):
        flask.Flask(__name__).before_first_request  # noqa: B018


def test_request_ctx_stack_still_exists_but_is_deprecated():
    with pytest.warns(DeprecationWarning, match="_request_ctx_stack"):
        from flask import _request_ctx_stack  # noqa: F401


def test_flask_jwt_declares_a_pyjwt_that_cannot_import_here():
    from importlib.metadata import requires

    assert "PyJWT<1.5.0,>=1.4.0" in requires("flask-jwt")  # its own pin...
    # ...and PyJWT 1.4.x does `from collections import Mapping`, gone since Python 3.10:
    with pytest.raises(ImportError, match="cannot import name 'Mapping' from 'collections'"):
        from collections import Mapping  # noqa: F401, UP035  (the old location, on purpose)


def test_pyjwt_1_7_encode_returns_bytes_as_flask_jwt_expects():
    assert isinstance(jwt.encode({"identity": 1}, "k" * 32, algorithm="HS256"), bytes)


def test_one_distribution_provides_the_jwt_module():
    from importlib.metadata import packages_distributions

    assert packages_distributions()["jwt"] == ["PyJWT"]


def test_pyjwt_1_7_decodes_with_utcnow_which_python_3_12_deprecates(secret_key):
    """Why pyproject.toml filters this warning (by message and module) instead of fixing it:
    the call is inside PyJWT 1.7.1, on every decode."""
    token = jwt.encode({"identity": 1}, secret_key, algorithm="HS256")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jwt.decode(token, secret_key, algorithms=["HS256"])
    utcnow = [w for w in caught if "utcnow() is deprecated" in str(w.message)]
    if sys.version_info >= (3, 12):
        assert [w.category for w in utcnow] == [DeprecationWarning]
        assert Path(utcnow[0].filename).parts[-2:] == ("jwt", "api_jwt.py")
    else:
        assert utcnow == []
