"""What every request of both apps goes through: the client's address, the request's start
time (tokens are issued as of it), the JSON body rules, and the headers every answer carries."""

import ipaddress
import time
from typing import Any

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from api_common.errors import token_error
from api_common.limits import check_json, token_problem
from shared import ValidationError
from shared.validation import json_object

# RFC 6749 §5.1: token answers must not be cached; an API's answers are per-user data, so
# none of ours is. nosniff: a browser must never guess a JSON answer to be HTML.
SECURITY_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache",
                    "X-Content-Type-Options": "nosniff"}


def register_request_hooks(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Only behind that many proxies of ours does X-Forwarded-For name the client; without
        # a proxy, anyone could send the header and spread their failed logins over
        # invented addresses.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]

    @app.before_request
    def _note_start() -> None:
        g.request_started = round(time.time(), 6)

    @app.before_request
    def _refuse_hostile_tokens():
        """A token too long or too deep for any JWT library to parse safely: 401 here, on
        every route and for both schemes (the bridge reads `JWT` tokens at v2 too)."""
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() in ("bearer", "jwt") and (problem := token_problem(token.strip())):
            return token_error("invalid_token", problem)
        return None

    @app.after_request
    def _security_headers(response):
        if "Cache-Control" in response.headers:  # a public answer that says so (v2's JWKS)
            response.headers["X-Content-Type-Options"] = "nosniff"
        else:
            response.headers.update(SECURITY_HEADERS)
        return response


def client_address() -> str:
    """Who is asking, for throttling: the socket peer, or what trusted proxies say, as one
    canonical IP address (so that re-spellings of one IPv6 address count as one). A value that
    is not an address (a proxy passing junk on) falls back to the socket peer."""
    peer = request.environ.get("werkzeug.proxy_fix.orig", request.environ).get("REMOTE_ADDR")
    for candidate in (request.remote_addr, peer):
        try:
            address = ipaddress.ip_address(candidate or "")
        except ValueError:
            continue
        return str(getattr(address, "ipv4_mapped", None) or address)
    return ""


def token_issued_at() -> float:
    """`iat` for the tokens this request issues: when the request began, to the microsecond.

    A token is refused when it is older than the account's last password change. Taking the
    time before the password (or refresh token) is checked means that a login racing a
    password change gets a token older than the change, and whole seconds (JWT's usual iat)
    could not tell a token minted just before a change from one minted just after."""
    return g.get("request_started") or round(time.time(), 6)


def json_body(required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """The request's JSON object with exactly these fields, or a 400 validation_error."""
    if not request.is_json:
        raise ValidationError(
            "Send a JSON object with the header 'Content-Type: application/json'.")
    return json_object(parsed_json(), required, optional)


def parsed_json() -> Any:
    """The request's JSON within the limits (api_common/limits.py), None if it is not JSON."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # "[[[[…": silent=True only swallows ValueError
        raise ValidationError("The request body is nested too deeply.") from None
    return check_json(body)
