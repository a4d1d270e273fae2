"""v1 app factory: Flask 2.3 + Flask-RESTful + Flask-JWT 0.3.2 (POST /auth, `JWT <token>`)."""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, request
from flask_jwt import JWT, JWTError

from api_common import (
    JsonErrorApi,
    configure,
    error_response,
    init_openapi,
    init_store,
    register_error_handlers,
    register_request_hooks,
    register_security_events,
    startup_event,
    token_error,
)
from v1_basic_jwt.browser import init_browser
from v1_basic_jwt.resources.item import Item, ItemList
from v1_basic_jwt.resources.user import User, UserPassword, UserRegister
from v1_basic_jwt.security import (
    authenticate,
    check_auth_body,
    current_user_id,
    identity,
    read_token,
    token_payload,
)

# Flask-JWT's JWTError.error → the contract's code (TOKEN_MESSAGES says what to do next).
ERRORS = {
    "Authorization Required": "authorization_required",
    "Invalid JWT header": "invalid_token",
    "Invalid token": "invalid_token",
    "Token revoked": "token_revoked",
    "Invalid JWT": "user_not_found",
}


def init_jwt(app: Flask) -> JWT:
    lifetime = app.config["ACCESS_TOKEN_SECONDS"] or 300
    app.config.setdefault("JWT_EXPIRATION_DELTA", timedelta(seconds=lifetime))
    app.config.setdefault("JWT_AUTH_HEADER_PREFIX", "JWT")
    jwt = JWT(app, authenticate, identity)  # registers POST /auth
    jwt.request_handler(read_token)
    jwt.jwt_payload_handler(token_payload)

    @jwt.jwt_error_handler
    def jwt_error(e: JWTError):
        if e.error == "Bad Request":  # Flask-JWT's word for a failed /auth
            return error_response(401, "invalid_credentials",
                                  "Invalid credentials: check the username and password.")
        if e.description == "Signature has expired":  # PyJWT's ExpiredSignatureError, wrapped
            return token_error("token_expired")
        return token_error(ERRORS.get(e.error, "invalid_token"), e.description)

    @app.before_request
    def validate_auth_body() -> None:
        if request.url_rule and request.url_rule.rule == app.config["JWT_AUTH_URL_RULE"]:
            check_auth_body()

    return jwt


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    configure(app, "v1", config)
    app.config.update(AUTH_SCHEME="JWT", AUTH_REALM="Login Required", LOGIN_PATH="/auth",
                      RENEW_HINT="Log in again at POST /auth")
    register_error_handlers(app)
    register_request_hooks(app)
    # Flask-JWT's one error handler tells fewer failures apart; its tokens carry no jti.
    register_security_events(app, current_user_id, jti=lambda: None)
    init_jwt(app)

    api = JsonErrorApi(app)
    api.add_resource(UserRegister, "/register")
    api.add_resource(User, "/user/<int:user_id>")
    api.add_resource(UserPassword, "/user/<int:user_id>/password")
    api.add_resource(Item, "/item/<string:name>")
    api.add_resource(ItemList, "/items")
    init_browser(app, api)  # the page at /app: the token in localStorage
    init_openapi(app)  # GET /openapi.json: this app's routes, described
    # Last: a setting refused above (ConfigError) leaves no database connection open.
    init_store(app)
    startup_event(app)
    return app
