"""The contract's JSON errors: {"message": ..., "error": <code>}, one vocabulary for both apps,
and every message ends in what the client should do next."""

from collections.abc import Mapping

from flask import Flask, current_app, jsonify, request
from flask_restful import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from shared import StoreError, TooManyAttempts

HTTP_ERROR_CODES = {400: "validation_error", 404: "not_found", 405: "method_not_allowed",
                    413: "payload_too_large", 415: "validation_error"}

# What to do next, per token problem. {login}, {scheme} and {renew} come from the app's
# config: the two libraries differ in where to log in, the header, and refresh tokens.
TOKEN_MESSAGES = {
    "authorization_required": "Request does not contain an access token. Log in at "
                              "POST {login} and send it as 'Authorization: {scheme} <token>'.",
    "wrong_scheme": "Send the token as 'Authorization: {scheme} <token>'; this request's "
                    "Authorization header uses another scheme{detail}.",
    "invalid_token": "{detail}. Log in at POST {login} for a new token.",
    "token_expired": "The token has expired. {renew}.",
    "refresh_token_expired": "The refresh token has expired. Log in again at POST {login}.",
    "legacy_expired": "The Flask-JWT token has expired. Log in again at POST {login} and send "
                      "'Authorization: {scheme} <token>'.",
    "legacy_retired": "Flask-JWT tokens are retired here. Log in again at POST {login} and "
                      "send 'Authorization: {scheme} <token>'.",
    "token_revoked": "The token has been revoked (logged out, or the password changed since "
                     "it was issued). Log in again at POST {login}.",
    "user_not_found": "The token's user does not exist (the account was deleted). Register, "
                      "or log in as another user.",
    "fresh_token_required": "This needs a fresh token: log in with your password at "
                            "POST {login} and send the access token it returns.",
}


# RFC 6750 §3: WWW-Authenticate's error_description, in %x20-21 / %x23-5B / %x5D-7E. It comes
# from this table only, never from a message: messages may quote a library, and PyJWT quotes
# the token itself (a `crit` with CR/LF made the header a 500 with a forged log line).
TOKEN_DESCRIPTIONS = {
    "invalid_token": "The access token is malformed, not ours, or of the wrong type",
    "token_expired": "The access token has expired",
    "token_revoked": "The access token has been revoked",
    "user_not_found": "The access token's user no longer exists",
    "fresh_token_required": "This needs a fresh access token",
}
# Error codes that mean "this token cannot be used" (RFC 6750 error="invalid_token").
TOKEN_ERRORS = set(TOKEN_DESCRIPTIONS)
# A library's reason, quoted in a JSON message: enough to debug, never the whole token.
DETAIL_MAX = 120


def quotable(text: str) -> str:
    """Text a library produced (which may quote the attacker), as a message may quote it:
    printable ASCII only, cut short."""
    cut = text[:DETAIL_MAX]
    shown = "".join(c if " " <= c <= "~" else "?" for c in cut)
    return shown + "..." if len(text) > DETAIL_MAX else shown


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
            challenge += (f', error="invalid_token", '
                          f'error_description="{TOKEN_DESCRIPTIONS[code]}"')
        response.headers["WWW-Authenticate"] = challenge
    response.headers.update(headers or {})
    return response


def token_error(code: str, detail: str = "", *, says: str | None = None) -> object:
    """A 401 for a token problem, its message (TOKEN_MESSAGES[says or code]) saying what to
    do next."""
    config = current_app.config
    template = TOKEN_MESSAGES[says or code]
    if code == "authorization_required":
        scheme_sent = request.headers.get("Authorization", "").strip().partition(" ")[0]
        if scheme_sent:
            template = TOKEN_MESSAGES["wrong_scheme"]
        # Name the scheme the client sent only when it is a plain word (never echo junk).
        detail = f" ('{scheme_sent}')" if scheme_sent.isalnum() and len(scheme_sent) <= 20 else ""
    message = template.format(login=config["LOGIN_PATH"], scheme=config["AUTH_SCHEME"],
                              renew=config["RENEW_HINT"], detail=quotable(detail).rstrip("."))
    return error_response(401, code, message)


class JsonErrorApi(Api):
    """Flask-RESTful's Api, minus its own error handling.

    Flask-RESTful answers any exception raised in a Resource that it does not recognise
    (a JWT library's errors included) with 500 {"message": "Internal Server Error"}, unless
    PROPAGATE_EXCEPTIONS is on, and TESTING=True (or debug mode) turns that on, which hides
    the bug in tests. Raising here makes Flask-RESTful fall back to Flask's own error
    handlers: the JWT extension's handlers and ours below answer, in every configuration.
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
