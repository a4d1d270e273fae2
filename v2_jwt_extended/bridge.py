"""The cut-over bridge: v2 takes over from a running v1 and nobody is logged out.

Removable: once `python -m shared bridge` shows no legacy token for a while, delete this file
and the two lines of app.py that name it. Open only with both settings:
- LEGACY_JWT_SECRET_KEY: v1's key (the same strength policy as JWT_SECRET_KEY: a bridge for
  a known key is a bridge for everyone);
- LEGACY_TOKENS_UNTIL: the end of the grace window, ISO-8601 UTC (2026-12-31T00:00:00Z).

While open, `Authorization: JWT <Flask-JWT token>` counts as a non-fresh access token of its
user (never past its own exp nor the grace end; admin rights from the store); `JWT <v2 token>`
works too; POST /auth is Flask-JWT's login, answering a v2 access token; POST /token/exchange
trades a legacy token, once, for a v2 login (RFC 8693) that ends at the grace end at the
latest: a legacy token never buys time past the window.
"""

import os
from datetime import UTC, datetime, timedelta

import jwt
from flask import Flask, current_app, g, request
from flask_jwt_extended import create_access_token, create_refresh_token, get_jwt
from flask_restful import Api, Resource

from api_common import (
    ApiError,
    client_address,
    current_store,
    json_body,
    parsed_json,
    security_event,
    token_error,
    token_issued_at,
)
from api_common.limits import check_json, token_problem
from shared import ConfigError, UserRecord, ValidationError
from shared.signing_keys import weakness
from v2_jwt_extended.blocklist import jti_of, lifetime_until, login_claims

# Legacy means exactly what Flask-JWT 0.3.2 issues: anything looser would let whoever holds
# the old key mint fresh or refresh tokens.
LEGACY_HEADER = {"typ": "JWT", "alg": "HS256"}
LEGACY_CLAIMS = {"exp", "iat", "nbf", "identity"}
LEGACY_LEEWAY = 10  # Flask-JWT's JWT_LEEWAY
TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt"
GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"


class LegacyTokenError(Exception):
    """Not a usable legacy token; `code` says why (the contract's vocabulary)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(detail)
        self.code, self.detail = code, detail


def init_bridge(app: Flask, api: Api) -> None:
    key = app.config.setdefault("LEGACY_JWT_SECRET_KEY",
                                os.environ.get("LEGACY_JWT_SECRET_KEY", ""))
    until = app.config.setdefault("LEGACY_TOKENS_UNTIL",
                                  os.environ.get("LEGACY_TOKENS_UNTIL", ""))
    if not key and not until:
        return  # no bridge: `JWT <token>` gets the 401 that names Bearer
    if not (key and until):
        raise ConfigError("The cut-over bridge needs both LEGACY_JWT_SECRET_KEY and "
                          "LEGACY_TOKENS_UNTIL (or neither).")
    if reason := weakness(key):
        raise ConfigError(f"LEGACY_JWT_SECRET_KEY refused: {reason}.")
    app.config["LEGACY_TOKENS_UNTIL"] = _parse_instant(until)
    app.before_request(translate_legacy_header)
    app.after_request(count_legacy_use)
    api.add_resource(LegacyAuth, "/auth")
    api.add_resource(TokenExchange, "/token/exchange")


def _parse_instant(text: str | datetime) -> datetime:
    try:
        instant = text if isinstance(text, datetime) else datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"LEGACY_TOKENS_UNTIL is not an ISO-8601 instant: {text!r}") from None
    if instant.tzinfo is None:
        raise ConfigError("LEGACY_TOKENS_UNTIL needs a time zone, e.g. 2026-12-31T00:00:00Z")
    return instant.astimezone(UTC)


def grace_end() -> datetime:
    return current_app.config["LEGACY_TOKENS_UNTIL"]


def verify_legacy(token: str) -> dict:
    """The claims of a valid Flask-JWT token, checked as Flask-JWT did (HS256 only, exp, iat
    and nbf required, 10 s leeway) with the legacy key, and by shape; else LegacyTokenError."""
    if problem := token_problem(token):
        raise LegacyTokenError("invalid_token", problem)
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, current_app.config["LEGACY_JWT_SECRET_KEY"],
                            algorithms=["HS256"], leeway=LEGACY_LEEWAY,
                            options={"require": ["exp", "iat", "nbf"]})
    except jwt.ExpiredSignatureError:
        raise LegacyTokenError("token_expired", "expired") from None
    except jwt.InvalidTokenError as e:
        raise LegacyTokenError("invalid_token", str(e)) from None
    if (header != LEGACY_HEADER or set(claims) != LEGACY_CLAIMS
            or type(claims["identity"]) is not int):
        raise LegacyTokenError("invalid_token", "Not a Flask-JWT token")
    if datetime.now(UTC) >= grace_end():
        raise LegacyTokenError("token_expired", "retired")
    return claims


def legacy_jti(claims: dict) -> str:
    # HS256 is deterministic: (identity, iat) names one Flask-JWT token for a given key.
    return f"legacy:{claims['identity']}:{claims['iat']}"


def mint_from_legacy(user: UserRecord, claims: dict) -> str:
    """A non-fresh v2 access token standing for the legacy one, for this request only: its
    jti (so that logout and exchange revoke exactly it), its iat (so that a password change
    ends it), and its expiry (legacy exp + leeway), which a logout's revocation then lasts
    until. (Capped at the grace end, the revocation ended there, and a longer window at the
    next start brought a logged-out token back.) The grace end is checked on every request
    (verify_legacy). iat: Flask-JWT allows a legacy iat 10 s ahead; v2 allows none, so the
    minted token is dated no later than now (earlier only makes a password change end it)."""
    lives = datetime.fromtimestamp(claims["exp"] + LEGACY_LEEWAY, UTC) - datetime.now(UTC)
    return create_access_token(
        identity=user, fresh=False, expires_delta=max(lives, timedelta(seconds=1)),
        additional_claims={"jti": legacy_jti(claims),
                           "iat": min(claims["iat"], token_issued_at())})


def translate_legacy_header():
    """before_request: `Authorization: JWT <t>` becomes `Bearer <v2 token>`, or a 401."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "jwt":
        return None
    token = token.strip()
    try:
        is_v2 = "sub" in jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        is_v2 = False
    if is_v2:  # old client code holding a new token: Flask-JWT-Extended checks it
        request.environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return None
    try:
        claims = verify_legacy(token)
    except LegacyTokenError as e:
        if e.code == "token_expired":  # its own exp, or the grace window's end
            current_store.record_legacy_refusal(f"legacy_{e.detail}")
            return token_error("token_expired", says=f"legacy_{e.detail}")
        return token_error(e.code, e.detail)  # not signed with the legacy key: not counted
    user = current_store.get_user(claims["identity"])
    if user is None:
        current_store.record_legacy_refusal("user_not_found")
        return token_error("user_not_found")
    g.legacy_use = (legacy_jti(claims), user.id)
    # Werkzeug reads the environ live: Flask-JWT-Extended sees the minted token.
    request.environ["HTTP_AUTHORIZATION"] = f"Bearer {mint_from_legacy(user, claims)}"
    return None


def count_legacy_use(response):
    """after_request: a legacy token counts as used only once Flask-JWT-Extended accepted
    what it was translated to (a logged-out or pre-password-change token is refused after
    translation, and must not keep `python -m shared bridge` above zero)."""
    jti, user_id = g.pop("legacy_use", (None, None))
    if jti is None:
        return response
    try:
        accepted = get_jwt().get("jti") == jti
    except RuntimeError:  # no token verified: a public route, or the token was refused
        accepted = False
    refused = (response.get_json(silent=True) or {}).get("error") \
        if response.status_code == 401 else None
    # Not fresh enough for this route: a live token all the same, its client needs the bridge.
    if accepted or refused == "fresh_token_required":
        current_store.record_legacy_use(user_id)
        security_event("authn_token_legacy_use", userid=user_id, jti=jti)
    elif refused:
        current_store.record_legacy_refusal(str(refused))
    return response


class LegacyAuth(Resource):
    """Flask-JWT's POST /auth, so that unchanged old clients keep logging in."""

    def post(self):
        if datetime.now(UTC) >= grace_end():
            raise ApiError(404, "not_found", "POST /auth is retired: log in at POST /login.")
        body = json_body(("username", "password"))
        user = current_store.authenticate(body["username"], body["password"], client_address())
        if user is None:
            raise ApiError(401, "invalid_credentials",
                           "Invalid credentials: check the username and password.")
        return {"access_token": create_access_token(identity=user, fresh=True)}


def _grant_error(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)  # RFC 6749 §5.2 codes


class TokenExchange(Resource):
    """RFC 8693: a legacy token, spent once, for a v2 login (non-fresh access + refresh)."""

    def post(self):
        try:  # JSON within the limits; a form too (a lone surrogate can reach it as JSON)
            form = parsed_json() if request.is_json else check_json(request.form.to_dict())
        except ValidationError as e:
            raise _grant_error("invalid_request", e.message) from None
        if not isinstance(form, dict):
            raise _grant_error("invalid_request", "Send a form (or a JSON object).")
        if form.get("grant_type") != GRANT_TOKEN_EXCHANGE:
            raise _grant_error("unsupported_grant_type",
                               f"grant_type must be '{GRANT_TOKEN_EXCHANGE}'.")
        token = form.get("subject_token")
        if not isinstance(token, str) or form.get("subject_token_type") != TOKEN_TYPE_JWT:
            raise _grant_error("invalid_request", "Send subject_token (the Flask-JWT token) "
                               f"and subject_token_type '{TOKEN_TYPE_JWT}'.")
        try:
            claims = verify_legacy(token)
        except LegacyTokenError:
            raise _grant_error("invalid_grant", "The subject_token is not a valid, current "
                               "Flask-JWT token: log in at POST /login.") from None
        user = current_store.get_user(claims["identity"])
        if (user is None or not user.issued_this_generation(claims["iat"])
                or not current_store.revoke_once(legacy_jti(claims),
                                                 int(claims["exp"]) + LEGACY_LEEWAY)):
            raise _grant_error("invalid_grant", "The subject_token was spent, revoked, or its "
                               "account changed: log in at POST /login.")
        # Both end at the grace end at the latest (and /refresh never outlives its refresh
        # token): a 5-minute legacy token does not become a 30-day login past the window.
        config = current_app.config
        g.security_userid = user.id  # no token was verified: the event names whom it was for
        refresh_token = create_refresh_token(identity=user, expires_delta=lifetime_until(
            config["JWT_REFRESH_TOKEN_EXPIRES"], grace_end()))
        lifetime = lifetime_until(config["JWT_ACCESS_TOKEN_EXPIRES"], grace_end())
        access_token = create_access_token(identity=user, fresh=False, expires_delta=lifetime,
                                           additional_claims=login_claims(jti_of(refresh_token)))
        return {"access_token": access_token, "refresh_token": refresh_token,
                "issued_token_type": "urn:ietf:params:oauth:token-type:access_token",
                "token_type": "Bearer", "expires_in": int(lifetime.total_seconds())}
