"""The parts of the API contract that do not depend on the JWT library.

Both apps import this package, on Flask 2.3 (v1) and on Flask 3.1 (v2): the error vocabulary,
JSON error responses, the fix for Flask-RESTful's 500 trap, config and store setup. Keeping it
out of the two app folders keeps `diff -ru v1_basic_jwt v2_jwt_extended` about the migration.
"""

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, jsonify, request
from flask_restful import Api
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.local import LocalProxy

from shared import ConfigError, Store, StoreError, TooManyAttempts, ValidationError
from shared.signing_keys import load_signing_key
from shared.validation import json_object

# The store of the current app, as `current_user` is the user of the current request.
current_store: Store = LocalProxy(lambda: current_app.extensions["store"])  # type: ignore[assignment]

# Error codes that mean "this token cannot be used" (RFC 6750 error="invalid_token").
TOKEN_ERRORS = {"invalid_token", "token_expired", "token_revoked", "user_not_found",
                "fresh_token_required"}
HTTP_ERROR_CODES = {400: "validation_error", 404: "not_found", 405: "method_not_allowed",
                    413: "payload_too_large", 415: "validation_error"}


class ApiError(Exception):
    """An error answered as the contract's JSON: {"message": ..., "error": <code>}."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, headers: Mapping | None = None):
    response = jsonify(message=message, error=code)
    response.status_code = status
    if status == 401:
        # RFC 7235: every 401 names the scheme; RFC 6750 §3: token problems say which.
        scheme = current_app.config["AUTH_SCHEME"]
        challenge = f'{scheme} realm="{current_app.config["AUTH_REALM"]}"'
        if code in TOKEN_ERRORS:
            description = message.replace('"', "'")
            challenge += f', error="invalid_token", error_description="{description}"'
        response.headers["WWW-Authenticate"] = challenge
    response.headers.update(headers or {})
    return response


class JsonErrorApi(Api):
    """Flask-RESTful's Api, minus its own error handling.

    Flask-RESTful answers any exception raised in a Resource that it does not recognise
    (a JWT library's errors included) with 500 {"message": "Internal Server Error"}, unless
    PROPAGATE_EXCEPTIONS is on, and TESTING=True turns that on, which hides the bug in tests.
    Raising here makes Flask-RESTful fall back to Flask's own error handlers: the JWT
    extension's handlers and ours below answer, in every configuration.
    """

    def handle_error(self, e: Exception):
        raise e


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(e: ApiError):
        return error_response(e.status, e.code, e.message)

    @app.errorhandler(StoreError)
    def _store_error(e: StoreError):
        headers = {"Retry-After": str(e.retry_after)} if isinstance(e, TooManyAttempts) else None
        return error_response(e.status, e.code, e.message, headers)

    @app.errorhandler(HTTPException)
    def _http_error(e: HTTPException):
        code = HTTP_ERROR_CODES.get(e.code or 500, "http_error")
        headers = {k: v for k, v in e.get_headers() if k.lower() != "content-type"}  # e.g. Allow
        return error_response(e.code or 500, code, e.description or e.name, headers)

    @app.errorhandler(InternalServerError)
    def _internal_error(_e: Exception):
        # Flask has logged the traceback; the client learns nothing about the internals.
        return error_response(500, "internal_error", "The server could not handle the request.")


def json_body(required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request's JSON object with exactly these fields, or a 400 validation_error."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # "[[[[…": silent=True only swallows ValueError
        raise ValidationError("The request body is nested too deeply.") from None
    return json_object(body, required, optional)


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def configure(app: Flask, app_name: str, config: Mapping[str, Any] | None) -> None:
    """Common settings from the environment (safe local defaults), then the caller's."""
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL"),
        JWT_SECRET_KEY=os.environ.get("JWT_SECRET_KEY"),
        MAX_CONTENT_LENGTH=64 * 1024,
        LOGIN_MAX_FAILURES=_env_int("LOGIN_MAX_FAILURES", 10),
        LOGIN_FAILURE_WINDOW_SECONDS=_env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900),
        CHEAP_PASSWORD_HASHING_FOR_TESTS=False,
    )
    app.config.from_mapping(config or {})
    app.config["JWT_SECRET_KEY"] = load_signing_key(app_name, app.config["JWT_SECRET_KEY"])


def init_store(app: Flask) -> Store:
    store = Store(
        app.config["DATABASE_URL"],
        cheap_hashing_for_tests=app.config["CHEAP_PASSWORD_HASHING_FOR_TESTS"],
        max_login_failures=app.config["LOGIN_MAX_FAILURES"],
        failure_window=timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"]),
    )
    store.init_schema()
    app.extensions["store"] = store
    return store


def serve(create_app: Callable[[], Flask], default_port: int) -> None:
    """`python -m <app>`: serve on HOST:PORT (127.0.0.1 by default), never in debug mode."""
    try:
        app = create_app()
    except ConfigError as e:
        raise SystemExit(f"refusing to start: {e}") from None
    host = os.environ.get("HOST", "127.0.0.1")
    port = _env_int("PORT", default_port)
    # threaded: a slow password hash must not hold up every other request.
    app.run(host=host, port=port, debug=False, threaded=True, use_reloader=False)
