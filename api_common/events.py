"""One security event per decision, in both apps (shared/security_log.py formats them).

An after_request hook names each answer's event: every 401, 403 and 429 by its error code,
the successes that change who may do what by their route. So every refusal has exactly one
event whichever code path refused it (Flask-JWT's one error handler, Flask-JWT-Extended's
loaders, our own checks, the bridge). The request id is the client's X-Request-ID when it is
a plain token, else a new one; every answer echoes it, every event carries it."""

import logging
import re
import uuid
from collections.abc import Callable

from flask import Flask, Response, current_app, g, request

from api_common.requests import client_address, parsed_json
from shared import StoreError
from shared.security_log import hashed, log_event

# Refusals, by the contract's error code (401, 403, 429).
REFUSALS = {
    "invalid_credentials": "authn_login_fail",
    "too_many_attempts": "authn_login_fail_max",
    "authorization_required": "authn_token_invalid",
    "invalid_token": "authn_token_invalid",
    "user_not_found": "authn_token_invalid",
    "token_expired": "session_use_after_expire",
    "token_revoked": "authn_token_reuse",
    "fresh_token_required": "authz_fail",
    "admin_required": "authz_fail",
    "not_allowed": "authz_fail",
    "csrf_token_missing": "authz_fail",
    "csrf_token_mismatch": "authz_fail",
}
# The same codes mean something else on these routes.
ON_ROUTE = {
    ("/user/<int:user_id>/password", "invalid_credentials"): "authn_password_change_fail",
    ("/register", "too_many_attempts"): "excess_rate_limit_exceeded",
}
# Successes, by method, route and status.
SUCCESSES = {
    ("POST", "/register", 201): ("user_created",),
    ("POST", "/login", 200): ("authn_login_success", "authn_token_created"),
    ("POST", "/auth", 200): ("authn_login_success", "authn_token_created"),
    ("POST", "/browser/login", 200): ("authn_login_success", "authn_token_created"),
    ("POST", "/browser/refresh", 200): ("authn_token_created",),
    ("POST", "/browser/logout", 200): ("authn_token_revoked",),
    ("POST", "/refresh", 200): ("authn_token_created",),
    ("POST", "/token/exchange", 200): ("authn_token_created",),
    ("POST", "/logout", 200): ("authn_token_revoked",),
    ("PUT", "/user/<int:user_id>/password", 200): ("authn_password_change",),
    ("DELETE", "/user/<int:user_id>", 200): ("user_deleted",),
}
LOGIN_ROUTES = {"/login", "/auth", "/browser/login"}
PLAIN_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
MAX_TEXT = 200


def register_security_events(app: Flask, user_id: Callable[[], int | None],
                             jti: Callable[[], str | None]) -> None:
    """user_id / jti: the verified token's user and id in this request, per library."""

    @app.before_request
    def _request_id() -> None:
        sent = request.headers.get("X-Request-ID", "")
        g.request_id = sent if PLAIN_ID.fullmatch(sent) else uuid.uuid4().hex

    @app.after_request
    def _log_decision(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
        if events := _events(response):
            who, token_id = _who(response, user_id), jti()
            for event, level, reason in events:
                security_event(event, level=level, status=response.status_code,
                               reason=reason, userid=who, jti=token_id)
        return response


def _events(response: Response) -> list[tuple[str, int, str | None]]:
    rule = request.url_rule.rule if request.url_rule else request.path
    status = response.status_code
    code = str((response.get_json(silent=True) or {}).get("error")) if status >= 400 else ""
    if status in (401, 403, 429):
        event = ON_ROUTE.get((rule, code)) or REFUSALS.get(code, "authn_token_invalid")
        return [(event, logging.WARNING, code)]
    if status == 400:  # the exchange's 400s refuse a token (RFC 6749 §5.2)
        event = "authn_token_invalid" if rule == "/token/exchange" else "input_validation_fail"
        return [(event, logging.WARNING, code)]
    return [(event, logging.INFO, None)
            for event in SUCCESSES.get((request.method, rule, status), ())]


def _who(response: Response, user_id: Callable[[], int | None]) -> int | None:
    """The numeric id: the verified token's user, or the account a login named (looked up:
    the username itself is never logged, it may be a password typed in the wrong field)."""
    if (found := g.get("security_userid") or user_id()) is not None:
        return found
    rule = request.url_rule.rule if request.url_rule else ""
    if rule == "/register" and response.status_code == 201:
        return (response.get_json(silent=True) or {}).get("id")
    if rule not in LOGIN_ROUTES:
        return None
    try:  # the body within the limits (a refused one names no account)
        body = parsed_json() if request.is_json else None
        user = current_app.extensions["store"].find_user(body.get("username")) \
            if isinstance(body, dict) else None
    except StoreError:  # also a name the store refuses: it names no account
        return None
    return user.id if user else None


def security_event(event: str, *, level: int = logging.INFO, jti: str | None = None,
                   **fields: object) -> None:
    """One event of this request: who (address, user agent), what (method, path), which."""
    log_event(event, current_app.config["APP_ID"], level=level,
              source_ip=client_address(), request_method=request.method,
              request_uri=request.path[:MAX_TEXT],
              useragent=request.user_agent.string[:MAX_TEXT],
              request_id=g.get("request_id"), jti_hash=hashed(jti) if jti else None,
              **fields)


def startup_event(app: Flask) -> None:
    """sys_startup: which safety settings are on, never their values."""
    config = app.config
    log_event("sys_startup", config["APP_ID"], signing_key="set" if config["JWT_SECRET_KEY"]
              else "missing", bridge=bool(config.get("LEGACY_JWT_SECRET_KEY")),
              trusted_proxies=config["TRUSTED_PROXIES"],
              store=app.extensions["store"].engine.dialect.name,
              # With a keyring: which key signs (its id, never its material).
              signing_kid=(app.extensions["keyring"].ring().current().kid
                           if "keyring" in app.extensions else None))
