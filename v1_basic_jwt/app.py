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
    init_store,
    register_error_handlers,
)
from v1_basic_jwt.resources.item import Item, ItemList
from v1_basic_jwt.resources.user import User, UserRegister
from v1_basic_jwt.security import authenticate, check_auth_body, identity, read_token

# Flask-JWT's JWTError.error → the contract's code and message (None: Flask-JWT's description).
ERRORS = {
    "Authorization Required": ("authorization_required",
                               "Request does not contain an access token."),
    "Invalid JWT header": ("invalid_token", None),
    "Invalid token": ("invalid_token", None),
    "Invalid JWT": ("user_not_found", "The token's user does not exist."),
    "Bad Request": ("invalid_credentials", "Invalid credentials."),
}

def init_jwt(app: Flask) -> JWT:
    app.config.setdefault("JWT_EXPIRATION_DELTA", timedelta(seconds=300))
    app.config.setdefault("JWT_AUTH_HEADER_PREFIX", "JWT")
    jwt = JWT(app, authenticate, identity)  # registers POST /auth
    jwt.request_handler(read_token)

    @jwt.jwt_error_handler
    def jwt_error(e: JWTError):
        if e.description == "Signature has expired":  # PyJWT's ExpiredSignatureError, wrapped
            code, message = "token_expired", "The token has expired."
        else:
            code, message = ERRORS.get(e.error, ("invalid_token", None))
        return error_response(e.status_code, code, message or e.description)

    @app.before_request
    def validate_auth_body() -> None:
        if request.url_rule and request.url_rule.rule == app.config["JWT_AUTH_URL_RULE"]:
            check_auth_body()

    return jwt


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    configure(app, "v1", config)
    app.config.update(AUTH_SCHEME="JWT", AUTH_REALM="Login Required")
    init_store(app)
    register_error_handlers(app)
    init_jwt(app)

    api = JsonErrorApi(app)
    api.add_resource(UserRegister, "/register")
    api.add_resource(User, "/user/<int:user_id>")
    api.add_resource(Item, "/item/<string:name>")
    api.add_resource(ItemList, "/items")
    return app
