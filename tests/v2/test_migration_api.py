"""Every row of the course's Flask-JWT-Extended 3.x → 4.x table in migration_notes.md: the 4.x
name works, and the 3.x name fails exactly as the table says. Real library, no mocks."""

import importlib
import time
from datetime import timedelta

import flask
import jwt
import pytest
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    current_user,
    decode_token,
    get_jwt,
    get_jwt_header,
    get_jwt_identity,
    jwt_required,
    verify_jwt_in_request,
)

from sidebyside.tokens import hs256, v2_claims


@pytest.fixture
def app(secret_key) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config["JWT_SECRET_KEY"] = secret_key
    app.testing = True  # exceptions propagate: the failure modes below are raised, not 500s
    return app


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def token_for(app: flask.Flask, **kwargs) -> str:
    with app.app_context():
        return create_access_token(identity="1", **kwargs)


# --- decorators and functions -------------------------------------------------------------

@pytest.mark.parametrize("old_name", [
    "jwt_optional", "fresh_jwt_required", "jwt_refresh_token_required",
    "verify_jwt_in_request_optional", "verify_fresh_jwt_in_request",
    "verify_jwt_refresh_token_in_request", "get_raw_jwt", "get_raw_jwt_header",
    "get_jwt_claims", "get_jwt_headers",  # the last: a typo in the upgrade guide
])
def test_removed_3x_names_are_import_errors(old_name):
    with pytest.raises(ImportError, match=f"cannot import name '{old_name}'"):
        exec(f"from flask_jwt_extended import {old_name}")


def test_jwt_required_without_parentheses_breaks_the_view(app):
    JWTManager(app)
    app.add_url_rule("/old", view_func=jwt_required(lambda: "ok"))
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'fn'"):
        app.test_client().get("/old")


def test_jwt_required_options_replace_the_3x_decorators(app):
    JWTManager(app)
    app.add_url_rule("/optional", "optional", jwt_required(optional=True)(
        lambda: {"who": get_jwt_identity(), "claims": get_jwt()}))
    app.add_url_rule("/fresh", "fresh", jwt_required(fresh=True)(lambda: "ok"))
    app.add_url_rule("/refresh", "refresh", jwt_required(refresh=True)(lambda: "ok"))
    client = app.test_client()
    assert client.get("/optional").get_json() == {"who": None, "claims": {}}
    assert client.get("/fresh", headers=bearer(token_for(app, fresh=True))).status_code == 200
    assert client.get("/fresh", headers=bearer(token_for(app))).status_code == 401
    with app.app_context():
        refresh = create_refresh_token(identity="1")
    assert client.get("/refresh", headers=bearer(refresh)).status_code == 200


def test_verify_jwt_in_request_options(app):
    JWTManager(app)
    with app.test_request_context():
        verify_jwt_in_request(optional=True)
        assert get_jwt_identity() is None
    with app.test_request_context(headers=bearer(token_for(app))):
        verify_jwt_in_request()
        assert get_jwt_header()["alg"] == "HS256"  # 3.x get_raw_jwt_header()
        assert get_jwt()["sub"] == "1"  # 3.x get_raw_jwt()


@pytest.mark.parametrize("old_kwarg", ["user_claims", "headers"])
def test_create_token_keyword_renames(app, old_kwarg):
    JWTManager(app)
    with app.app_context():
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{old_kwarg}'"):
            create_access_token(identity="1", **{old_kwarg: {"x": 1}})
        token = create_access_token(identity="1", additional_claims={"is_admin": True},
                                    additional_headers={"kid": "k1"})
        assert decode_token(token)["is_admin"] is True  # top level, no "user_claims"
        assert jwt.get_unverified_header(token)["kid"] == "k1"


# --- loaders ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new"), [
    ("user_claims_loader", "additional_claims_loader"),
    ("token_in_blacklist_loader", "token_in_blocklist_loader"),
    ("user_loader_callback_loader", "user_lookup_loader"),
    ("user_loader_error_loader", "user_lookup_error_loader"),
    ("claims_verification_loader", "token_verification_loader"),
    ("claims_verification_failed_loader", "token_verification_failed_loader"),
])
def test_renamed_loaders_are_attribute_errors(app, old, new):
    manager = JWTManager(app)
    with pytest.raises(AttributeError, match=f"object has no attribute '{old}'"):
        getattr(manager, old)
    assert callable(getattr(manager, new))


def expired_token(app: flask.Flask) -> str:
    now = int(time.time())
    return hs256(v2_claims("1", age=120, lifetime=60) | {"iat": now - 120},
                 app.config["JWT_SECRET_KEY"])


@pytest.mark.parametrize("loader", ["expired_token_loader", "needs_fresh_token_loader",
                                    "revoked_token_loader"])
def test_zero_argument_callbacks_fail_at_runtime(app, loader):
    manager = JWTManager(app)

    def callback():  # the course's 3.x signature
        return {"message": "old style"}, 401

    getattr(manager, loader)(callback)
    if loader == "revoked_token_loader":
        manager.token_in_blocklist_loader(lambda header, payload: True)
    app.add_url_rule("/plain", "plain", jwt_required()(lambda: "ok"))
    app.add_url_rule("/fresh", "fresh", jwt_required(fresh=True)(lambda: "ok"))
    path, token = {"expired_token_loader": ("/plain", expired_token(app)),
                   "needs_fresh_token_loader": ("/fresh", token_for(app)),
                   "revoked_token_loader": ("/plain", token_for(app))}[loader]
    with pytest.raises(TypeError, match="takes 0 positional arguments but 2 were given"):
        app.test_client().get(path, headers=bearer(token))


def test_two_argument_callbacks_are_the_4x_signature(app):
    manager = JWTManager(app)
    seen = {}

    @manager.expired_token_loader
    def expired(jwt_header, jwt_payload):
        seen.update(header=jwt_header, payload=jwt_payload)
        return {"error": "token_expired"}, 401

    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    response = app.test_client().get("/p", headers=bearer(expired_token(app)))
    assert response.status_code == 401 and seen["header"]["alg"] == "HS256"
    assert seen["payload"]["sub"] == "1"


def test_invalid_token_and_unauthorized_loaders_keep_one_argument(app):
    manager = JWTManager(app)
    manager.invalid_token_loader(lambda reason: ({"why": reason}, 401))
    manager.unauthorized_loader(lambda reason: ({"why": reason}, 401))
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    client = app.test_client()
    assert client.get("/p", headers=bearer("garbage")).get_json() == {
        "why": "Not enough segments"}
    assert client.get("/p").get_json() == {"why": "Missing Authorization Header"}


def test_decode_key_loader_gets_header_then_payload(app):
    manager = JWTManager(app)
    seen = []

    @manager.decode_key_loader
    def key(jwt_header, jwt_payload):  # 3.x: (claims, headers), reversed
        seen.append((jwt_header, jwt_payload))
        return app.config["JWT_SECRET_KEY"]

    with app.app_context():
        decode_token(create_access_token(identity="1"))
    assert "alg" in seen[0][0] and "sub" in seen[0][1]


def test_blocklist_loader_takes_header_and_payload(app):
    manager = JWTManager(app)
    manager.token_in_blocklist_loader(lambda jwt_header, jwt_payload: jwt_payload["sub"] == "1")
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    response = app.test_client().get("/p", headers=bearer(token_for(app)))
    assert response.get_json() == {"msg": "Token has been revoked"}


# --- config keys --------------------------------------------------------------------------------

def test_blacklist_enabled_is_silently_ignored(app):
    """3.x: JWT_BLACKLIST_ENABLED turned checking on. 4.x ignores it: only registering a
    token_in_blocklist_loader does."""
    app.config.update(JWT_BLACKLIST_ENABLED=True, JWT_BLACKLIST_TOKEN_CHECKS=["access"])
    JWTManager(app)  # no error, no warning
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    assert app.test_client().get("/p", headers=bearer(token_for(app))).status_code == 200


def test_blacklist_token_checks_is_silently_ignored(app):
    """3.x: ['access'] skipped refresh tokens. 4.x asks the loader about every token type."""
    app.config["JWT_BLACKLIST_TOKEN_CHECKS"] = ["access"]
    manager = JWTManager(app)
    asked = []
    manager.token_in_blocklist_loader(lambda h, p: asked.append(p["type"]) or False)
    app.add_url_rule("/r", view_func=jwt_required(refresh=True)(lambda: "ok"))
    with app.app_context():
        refresh = create_refresh_token(identity="1")
    app.test_client().get("/r", headers=bearer(refresh))
    assert asked == ["refresh"]


@pytest.mark.parametrize("key", ["JWT_USER_CLAIMS", "JWT_CLAIMS_IN_REFRESH_TOKEN",
                                 "JWT_VERIFY_AUDIENCE", "JWT_CSRF_HEADER_NAME"])
def test_other_removed_config_keys_are_silently_ignored(app, key):
    app.config[key] = False if key != "JWT_USER_CLAIMS" else "user_claims"
    manager = JWTManager(app)
    manager.additional_claims_loader(lambda identity: {"is_admin": True})
    with app.app_context():
        access = decode_token(create_access_token(identity="1"))
        refresh = decode_token(create_refresh_token(identity="1"))
    assert access["is_admin"] is True and "user_claims" not in access  # claims at top level
    assert refresh["is_admin"] is True  # and always in refresh tokens too


def test_identity_claim_is_now_sub(app):
    JWTManager(app)
    assert app.config.get("JWT_IDENTITY_CLAIM", "sub") == "sub"
    with app.app_context():
        claims = decode_token(create_access_token(identity="1"))
    assert claims["sub"] == "1" and "identity" not in claims


def test_int_identity_needs_str_or_verify_sub_off(app):
    JWTManager(app)
    with app.app_context():
        with pytest.raises(jwt.exceptions.InvalidSubjectError, match="Subject must be a string"):
            decode_token(create_access_token(identity=1))
        app.config["JWT_VERIFY_SUB"] = False  # the other way out (Flask-JWT-Extended >= 4.7.1)
        assert decode_token(create_access_token(identity=1))["sub"] == 1


def test_user_load_error_is_now_user_lookup_error():
    exceptions = importlib.import_module("flask_jwt_extended.exceptions")
    assert hasattr(exceptions, "UserLookupError")
    with pytest.raises(ImportError, match="UserLoadError"):
        exec("from flask_jwt_extended.exceptions import UserLoadError")


# --- behaviour changes ----------------------------------------------------------------------------

def test_get_jwt_outside_a_protected_view_raises(app):
    JWTManager(app)
    with app.test_request_context(), pytest.raises(RuntimeError, match="jwt_required"):
        get_jwt()


def test_current_user_needs_a_user_lookup_loader(app):
    JWTManager(app)
    app.add_url_rule("/me", view_func=jwt_required()(lambda: {"me": str(current_user)}))
    with pytest.raises(RuntimeError, match="user_lookup_loader"):
        app.test_client().get("/me", headers=bearer(token_for(app)))


def test_default_lifetimes(app):
    JWTManager(app)
    assert app.config.get("JWT_ACCESS_TOKEN_EXPIRES", timedelta(minutes=15)) == timedelta(
        minutes=15)
    with app.app_context():
        claims = decode_token(create_access_token(identity="1"))
    assert claims["exp"] - claims["iat"] == 15 * 60


def test_short_secret_warns(app):
    app.config["JWT_SECRET_KEY"] = "jose"
    JWTManager(app)
    with app.app_context(), pytest.warns(jwt.warnings.InsecureKeyLengthWarning,
                                         match="4 bytes long"):
        create_access_token(identity="1")
