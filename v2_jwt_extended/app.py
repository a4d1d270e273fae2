"""v2 app factory: Flask 3.1 + Flask-RESTful + Flask-JWT-Extended 4.x (POST /login, `Bearer`)."""

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, g
from flask_jwt_extended import JWTManager, get_current_user, get_jwt

from api_common import (
    JsonErrorApi,
    configure,
    current_store,
    init_openapi,
    init_store,
    register_error_handlers,
    register_request_hooks,
    register_security_events,
    startup_event,
    token_error,
    token_issued_at,
)
from shared import UserRecord
from v2_jwt_extended.blocklist import is_revoked, user_id_of
from v2_jwt_extended.bridge import init_bridge
from v2_jwt_extended.browser import cookie_settings, csrf_error, init_browser
from v2_jwt_extended.resources.item import Item, ItemList
from v2_jwt_extended.resources.user import (
    TokenRefresh,
    User,
    UserLogin,
    UserLogout,
    UserPassword,
    UserRegister,
)
from v2_jwt_extended.signing import init_keyring

# What to do next after Flask-JWT-Extended's "wrong token type" reasons.
WRONG_TYPE = {
    "Only non-refresh tokens are allowed": "Only access tokens are allowed here: send the "
    "access token (the refresh token is only for POST /refresh)",
    "Only refresh tokens are allowed": "Only refresh tokens are allowed here: send the "
    "refresh token from POST /login",
}


def init_jwt(app: Flask) -> JWTManager:
    lifetime = app.config["ACCESS_TOKEN_SECONDS"] or 15 * 60
    app.config.setdefault("JWT_ACCESS_TOKEN_EXPIRES", timedelta(seconds=lifetime))
    app.config.setdefault("JWT_REFRESH_TOKEN_EXPIRES", timedelta(days=30))
    cookie_settings(app)  # tokens in headers, or in httpOnly cookies for the page (browser.py)
    jwt = JWTManager(app)  # no /auth: the login view is ours (resources/user.py)
    jwt.token_in_blocklist_loader(is_revoked)

    # What Flask-JWT's identity() did, split in two: the token stores an id, the lookup
    # turns it back into a user on every protected request.
    # BEGIN SOLUTION log in: the token stores the user's id as a string (PyJWT >= 2.10 refuses an
    #   int sub): a @jwt.user_identity_loader that turns the user given to create_*_token into
    #   str(user.id) (section 3).
    @jwt.user_identity_loader
    def user_identity(user: UserRecord) -> str:
        return str(user.id)  # PyJWT >= 2.10 rejects a non-string "sub"
    # STARTER: pass
    # END SOLUTION

    # BEGIN SOLUTION protected call: on every protected request, turn the token's sub back into the
    #   user, or None: a @jwt.user_lookup_loader (what Flask-JWT's identity() did).
    @jwt.user_lookup_loader
    def user_lookup(_jwt_header: dict, jwt_payload: dict) -> UserRecord | None:
        if "jwt_user" in g:  # already read by is_revoked, in the same statement
            return g.pop("jwt_user")
        user_id = user_id_of(jwt_payload)
        return current_store.get_user(user_id) if user_id is not None else None
    # STARTER: pass
    # END SOLUTION

    # Replaces the course's `identity == 1`: admin is data in the store. `iat` to the
    # microsecond: is_revoked compares it with the account's last password change.
    @jwt.additional_claims_loader
    def claims(user: UserRecord) -> dict:
        # BEGIN SOLUTION claims
        return {"is_admin": user.is_admin, "iat": token_issued_at()}
        # STARTER: return {"iat": token_issued_at()}
        # END SOLUTION

    # Every error callback answers in the contract's shape, 401 (the library says 422 for
    # malformed tokens; RFC 6750 says 401 invalid_token), saying what to do next.
    # BEGIN SOLUTION error callbacks
    @jwt.unauthorized_loader
    def missing_token(reason: str):
        # A login cookie's write without the CSRF double submit: 403, saying what to send.
        return csrf_error(reason) or token_error("authorization_required")

    @jwt.invalid_token_loader
    def invalid_token(reason: str):
        return token_error("invalid_token", WRONG_TYPE.get(reason, reason))

    @jwt.expired_token_loader
    def expired_token(_jwt_header: dict, jwt_payload: dict):
        if jwt_payload.get("type") == "refresh":
            return token_error("token_expired", says="refresh_token_expired")
        return token_error("token_expired")

    @jwt.needs_fresh_token_loader
    def token_not_fresh(_jwt_header: dict, _jwt_payload: dict):
        return token_error("fresh_token_required")

    @jwt.revoked_token_loader
    def revoked_token(_jwt_header: dict, _jwt_payload: dict):
        return token_error("token_revoked")

    @jwt.user_lookup_error_loader
    def user_not_found(_jwt_header: dict, _jwt_payload: dict):
        return token_error("user_not_found")
    # STARTER: pass
    # END SOLUTION

    return jwt


def current_user_id() -> int | None:
    """The verified token's user in this request, for security events (None without one)."""
    try:
        user = get_current_user()
    except RuntimeError:  # no token verified in this request
        return None
    return user.id if user is not None else None


def current_jti() -> str | None:
    try:
        return get_jwt().get("jti")
    except RuntimeError:
        return None


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    configure(app, "v2", config)
    app.config.update(AUTH_SCHEME="Bearer", AUTH_REALM="Login Required", LOGIN_PATH="/login",
                      RENEW_HINT="POST /refresh with your refresh token, or log in again "
                                 "at POST /login")
    register_error_handlers(app)
    register_request_hooks(app)
    # One loader per failure: every kind has its own code, and so its own event.
    register_security_events(app, current_user_id, jti=current_jti)
    jwt = init_jwt(app)
    # Several signing keys, each token naming its own: rotation without logging anyone out.
    app.config.setdefault("JWT_KEYRING", os.environ.get("JWT_KEYRING") or None)
    init_keyring(app, jwt)

    api = JsonErrorApi(app)
    api.add_resource(UserRegister, "/register")
    api.add_resource(User, "/user/<int:user_id>")
    api.add_resource(UserPassword, "/user/<int:user_id>/password")
    api.add_resource(UserLogin, "/login")
    api.add_resource(TokenRefresh, "/refresh")
    api.add_resource(UserLogout, "/logout")
    api.add_resource(Item, "/item/<string:name>")
    api.add_resource(ItemList, "/items")
    init_browser(app, api)  # httpOnly cookies + CSRF for the page at /app
    init_bridge(app, api)  # the cut-over: delete this line, its import and bridge.py after it
    init_openapi(app)  # GET /openapi.json: this app's routes, described
    # Last: a setting refused above (ConfigError) leaves no database connection open.
    init_store(app)
    startup_event(app)
    return app
