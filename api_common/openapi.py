"""Each app's OpenAPI 3.1 description, served at GET /openapi.json.

Built from the app's own routes: OPERATIONS describes every (route, method) either app may
serve, and a document holds exactly the ones the app has (the bridge's only while it is open).
tests/contract/test_openapi.py fails when a route has no entry here, when an entry names a
route no app serves, and when any answer of the parity run does not validate against it.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, jsonify
from werkzeug.routing import IntegerConverter, Rule

from shared.validation import PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX

OPENAPI_PATH = "/openapi.json"
PATH_VARIABLE = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def strings(*names: str, optional: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "required": list(names), "additionalProperties": False,
            "properties": {n: {"type": "string"} for n in (*names, *optional)}}


SCHEMAS: dict[str, dict] = {
    # The contract's one error shape (api_common/errors.py): what happened, and what to do.
    "Error": {"type": "object", "required": ["message", "error"], "additionalProperties": False,
              "properties": {"message": {"type": "string"},
                             "error": {"type": "string", "description": "a stable code, "
                                       "e.g. invalid_token, token_expired, validation_error"}}},
    "Credentials": strings("username", "password"),
    # What POST /register accepts (shared/validation.py): longer or shorter is a 400.
    "Registration": {"type": "object", "required": ["username", "password"],
                     "additionalProperties": False, "properties": {
                         "username": {"type": "string", "minLength": 1,
                                      "maxLength": USERNAME_MAX},
                         "password": {"type": "string", "minLength": PASSWORD_MIN,
                                      "maxLength": PASSWORD_MAX}}},
    "PasswordChange": strings("old_password", "new_password"),
    "Price": {"type": "object", "required": ["price"], "additionalProperties": False,
              "properties": {"price": {"type": "number"}}},
    "Message": strings("message"),
    "Registered": {"type": "object", "required": ["message", "id"], "additionalProperties": False,
                   "properties": {"message": {"type": "string"}, "id": {"type": "integer"}}},
    "Item": {"type": "object", "required": ["id", "name", "price"], "additionalProperties": False,
             "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                            "price": {"type": "number"}}},
    "ItemList": {"type": "object", "required": ["items"], "additionalProperties": False,
                 "properties": {
                     "items": {"type": "array", "description": "names only without a token",
                               "items": {"oneOf": [{"type": "string"}, ref("Item")]}},
                     "message": {"type": "string"}}},
    "User": {"type": "object", "required": ["id", "username"], "additionalProperties": False,
             "properties": {"id": {"type": "integer"}, "username": {"type": "string"},
                            "is_admin": {"type": "boolean", "description": "only to the user "
                                         "or an admin"}}},
    "AccessToken": strings("access_token"),
    "Tokens": strings("access_token", "refresh_token"),
    "ExchangedTokens": {
        "type": "object", "additionalProperties": False,
        "required": ["access_token", "refresh_token", "issued_token_type", "token_type",
                     "expires_in"],
        "properties": {"access_token": {"type": "string"}, "refresh_token": {"type": "string"},
                       "issued_token_type": {"type": "string"}, "token_type": {"type": "string"},
                       "expires_in": {"type": "integer"}}},
    "TokenExchange": {
        "type": "object", "required": ["grant_type", "subject_token", "subject_token_type"],
        "properties": {"grant_type": {"const": "urn:ietf:params:oauth:grant-type:token-exchange"},
                       "subject_token": {"type": "string"},
                       "subject_token_type": {"const": "urn:ietf:params:oauth:token-type:jwt"}}},
    "OpenAPI": {"type": "object", "required": ["openapi", "paths"]},
    "JWKS": {"type": "object", "required": ["keys"], "additionalProperties": False,
             "properties": {"keys": {"type": "array", "items": {
                 "type": "object", "required": ["kid", "kty", "use", "alg"],
                 "not": {"required": ["d"]}}}}},
}


@dataclass(frozen=True)
class Operation:
    summary: str
    answers: dict[int, str]  # status -> schema name ("" for an HTML page)
    body: str | None = None
    security: str = ""  # "token", "refresh", "optional", or "" (none)
    description: str = ""
    tags: tuple[str, ...] = field(default=())


TOKEN_ERRORS = {401: "Error"}
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("/register", "POST"): Operation("Register a user", {201: "Registered", 400: "Error",
                                                          409: "Error", 429: "Error"},
                                     "Registration"),
    ("/auth", "POST"): Operation(
        "Log in (v1: Flask-JWT's built-in view; v2: the cut-over bridge, while open)",
        {200: "AccessToken", 400: "Error", 401: "Error", 404: "Error", 429: "Error"},
        "Credentials"),
    ("/login", "POST"): Operation("Log in: a fresh access token and a refresh token",
                                  {200: "Tokens", 400: "Error", 401: "Error", 429: "Error"},
                                  "Credentials"),
    ("/browser/login", "POST"): Operation(
        "Log in from the page: both tokens in httpOnly cookies, none in the body",
        {200: "Message", 400: "Error", 401: "Error", 429: "Error"}, "Credentials"),
    ("/refresh", "POST"): Operation("A new, non-fresh access token", {200: "AccessToken",
                                                                      **TOKEN_ERRORS},
                                    security="refresh"),
    ("/browser/refresh", "POST"): Operation(
        "Refresh from the page: the refresh cookie and X-CSRF-TOKEN; the new token in its "
        "cookie", {200: "Message", 403: "Error", **TOKEN_ERRORS}, security="refresh cookie"),
    ("/browser/logout", "POST"): Operation(
        "Log out from the page: the refresh cookie and X-CSRF-TOKEN (its csrf cookie); the "
        "login revoked, every cookie cleared", {200: "Message", 403: "Error", **TOKEN_ERRORS},
        security="refresh cookie"),
    ("/logout", "POST"): Operation("Revoke this login: its access and refresh tokens (and "
                                   "clear the page's cookies)",
                                   {200: "Message", 403: "Error", **TOKEN_ERRORS},
                                   security="token or refresh"),
    ("/user/<int:user_id>", "GET"): Operation("A user's record", {200: "User", 404: "Error",
                                                                  **TOKEN_ERRORS},
                                              security="token"),
    ("/user/<int:user_id>", "DELETE"): Operation(
        "Delete your account (or, as an admin, anyone's)",
        {200: "Message", 403: "Error", 404: "Error", **TOKEN_ERRORS}, security="fresh"),
    ("/user/<int:user_id>/password", "PUT"): Operation(
        "Change your password: every older token is revoked",
        {200: "Message", 400: "Error", 403: "Error", 429: "Error", **TOKEN_ERRORS},
        "PasswordChange", security="fresh"),
    ("/item/<string:name>", "GET"): Operation("An item", {200: "Item", 404: "Error",
                                                          **TOKEN_ERRORS}, security="token"),
    ("/item/<string:name>", "POST"): Operation(
        "Create an item", {201: "Item", 400: "Error", 403: "Error", 409: "Error",
                           **TOKEN_ERRORS}, "Price", security="fresh"),
    ("/item/<string:name>", "PUT"): Operation(
        "Create or update an item", {200: "Item", 201: "Item", 400: "Error", 403: "Error",
                                     **TOKEN_ERRORS}, "Price", security="token"),
    ("/item/<string:name>", "DELETE"): Operation(
        "Delete an item (admins)", {200: "Message", 403: "Error", 404: "Error",
                                    **TOKEN_ERRORS}, security="token"),
    ("/items", "GET"): Operation("Every item: names only without a token", {200: "ItemList",
                                                                           **TOKEN_ERRORS},
                                 security="optional"),
    ("/token/exchange", "POST"): Operation(
        "RFC 8693: a Flask-JWT token, spent once, for a v2 login (the cut-over bridge)",
        {200: "ExchangedTokens", 400: "Error"}, "TokenExchange"),
    ("/.well-known/jwks.json", "GET"): Operation(
        "The public keys that verify v2's ES256 tokens (empty without a keyring)",
        {200: "JWKS"}),
    ("/app", "GET"): Operation("The browser page", {200: ""}),
    (OPENAPI_PATH, "GET"): Operation("This document", {200: "OpenAPI"}),
}
FRESH_NOTE = "Needs a fresh access token (from logging in, not from /refresh)."


def path_of(rule: Rule) -> tuple[str, list[dict]]:
    """`/user/<int:user_id>` as OpenAPI writes it, and its path parameters."""
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer" if isinstance(converter, IntegerConverter)
                              else "string"}}
                  # Werkzeug keeps the converters only here (no public accessor).
                  for name, converter in rule._converters.items()]
    return PATH_VARIABLE.sub(r"{\1}", rule.rule), parameters


def served(app: Flask) -> list[tuple[Rule, str]]:
    return [(rule, method) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]


def security_schemes(scheme: str) -> dict:
    if scheme == "JWT":
        return {"JWT": {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "Flask-JWT's `Authorization: JWT <token>`. JWT is not a registered "
                           "HTTP authentication scheme, so it is described as an API key in "
                           "the Authorization header: send the word JWT, a space, then the "
                           "access_token from POST /auth."}}
    return {
        "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "The access_token from POST /login (or /refresh)."},
        "refresh": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                    "description": "The refresh_token from POST /login: only for /refresh "
                                   "and /logout."},
        "refresh_cookie": {"type": "apiKey", "in": "cookie", "name": "__Secure-refresh_token",
                           "description": "The page's refresh cookie (path /browser), with "
                                          "the __Host-csrf_refresh_token cookie's value in "
                                          "X-CSRF-TOKEN."},
        "cookie": {"type": "apiKey", "in": "cookie", "name": "__Host-access_token",
                   "description": "The page's login cookie (POST /browser/login); every "
                                  "write also sends the __Host-csrf_access_token cookie's "
                                  "value in the X-CSRF-TOKEN header."}}


def requirement(security: str, scheme: str) -> list[dict] | None:
    if not security:
        return None
    if scheme == "JWT":
        return [{"JWT": []}] + ([{}] if security == "optional" else [])
    return {"token": [{"bearer": []}, {"cookie": []}],
            "fresh": [{"bearer": []}, {"cookie": []}],
            "refresh": [{"refresh": []}],
            "refresh cookie": [{"refresh_cookie": []}],
            "token or refresh": [{"bearer": []}, {"refresh": []}, {"cookie": []}],
            "optional": [{"bearer": []}, {"cookie": []}, {}]}[security]


def document(app: Flask) -> dict[str, Any]:
    config = app.config
    scheme = config["AUTH_SCHEME"]
    paths: dict[str, dict] = {}
    for rule, method in served(app):
        operation = OPERATIONS[(rule.rule, method)]  # KeyError: a route nobody described
        path, parameters = path_of(rule)
        entry: dict[str, Any] = {
            "summary": operation.summary,
            "operationId": f"{method.lower()}_{rule.endpoint}",
            "responses": {str(status): answer(schema) for status, schema in
                          operation.answers.items()},
        }
        if operation.answers != {200: ""}:
            entry["responses"]["default"] = {"description": "any other refusal, in the "
                                             "contract's error shape",
                                             "content": json_content(ref("Error"))}
        if parameters:
            entry["parameters"] = parameters
        if operation.body:
            entry["requestBody"] = {"required": True, "content": json_content(ref(operation.body))}
        if (security := requirement(operation.security, scheme)) is not None:
            entry["security"] = security
        if operation.security == "fresh" and scheme != "JWT":
            entry["description"] = FRESH_NOTE
        paths.setdefault(path, {})[method.lower()] = entry
    name = "v1: Flask-JWT 0.3.2" if scheme == "JWT" else "v2: Flask-JWT-Extended 4.x"
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Items API ({name})", "version": "1.0.0",
                 "description": f"Log in at POST {config['LOGIN_PATH']}, then send "
                                f"'Authorization: {scheme} <token>'. Every error is "
                                '{"message": ..., "error": <code>}.'},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": security_schemes(scheme)},
    }


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def answer(schema: str) -> dict:
    if not schema:
        return {"description": "a page", "content": {"text/html": {"schema": {"type": "string"}}}}
    return {"description": schema, "content": json_content(ref(schema))}


def init_openapi(app: Flask) -> None:
    def openapi():
        return jsonify(document(current_app))

    app.add_url_rule(OPENAPI_PATH, "openapi", openapi)
