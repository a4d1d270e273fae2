"""Flask-JWT's callbacks: the course's security.py, made safe.

The course compared plain-text passwords with werkzeug.security.safe_str_cmp (removed in
Werkzeug 2.1). The store now verifies an argon2id hash, in constant time, and spends the same
time on an unknown username as on a wrong password.
"""

from flask import current_app, request
from flask_jwt import JWTError, _jwt_required, current_identity

from api_common import client_address, current_store, json_body, token_issued_at
from shared import UserRecord
from shared.validation import clean_username, login_password


def authenticate(username: str, password: str) -> UserRecord | None:
    """POST /auth calls this with the body's username and password."""
    return current_store.authenticate(username, password, client_address())


def token_payload(user: UserRecord) -> dict:
    """Flask-JWT's default payload ({exp, iat, nbf, identity}), with `iat` to the
    microsecond: identity() compares it with the account's last password change."""
    iat = token_issued_at()
    issued = int(iat)
    lifetime = int(current_app.config["JWT_EXPIRATION_DELTA"].total_seconds())
    return {"exp": issued + lifetime, "iat": iat, "nbf": issued, "identity": user.id}


def identity(payload: dict) -> UserRecord | None:
    """Every protected request calls this with the token's payload: the user, looked up anew
    (so a deleted user or a revoked admin flag counts at once)."""
    user_id = payload.get("identity")
    # The course read payload['identity'] and crashed (500, KeyError) on any token without
    # it, e.g. a Flask-JWT-Extended token. bool is an int subclass: refuse it too.
    if type(user_id) is not int:
        raise JWTError("Invalid token", "The token has no integer 'identity' claim")
    user = current_store.get_user(user_id)
    # A token older than the account (its id reused) or than its last password change.
    if user is not None and not user.issued_this_generation(payload.get("iat")):
        raise JWTError("Token revoked", "issued before the account's last password change")
    return user


def read_token() -> str | None:
    """Flask-JWT's request handler. Its own crashed (500, IndexError) on a whitespace-only
    Authorization header. Another scheme (Bearer, Basic) means "no token for us": a
    protected endpoint answers 401 naming 'JWT', and the optional GET /items answers as
    for an anonymous caller (Flask-JWT-Extended does the same; see the notes' pitfalls)."""
    header = request.headers.get("Authorization", "").strip()
    prefix = current_app.config["JWT_AUTH_HEADER_PREFIX"]
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != prefix.lower():
        return None
    parts = credentials.split()
    if len(parts) != 1:
        raise JWTError("Invalid JWT header", "Token missing" if not parts else
                       "Token contains spaces")
    return parts[0]


def check_auth_body() -> None:
    """Runs before Flask-JWT's POST /auth, which calls data.get() on whatever JSON arrives:
    a missing, non-JSON or non-object body, or a non-string field, was a 500. Only a JSON
    object with exactly a string username and password gets through."""
    body = json_body(("username", "password"))
    clean_username(body["username"])
    login_password(body["password"])


def identity_if_token() -> UserRecord | None:
    """Flask-JWT has no optional JWT. Verify a token when the request carries one (an
    invalid one is still a 401); without one, the caller is anonymous."""
    if read_token() is None:
        return None
    _jwt_required(current_app.config["JWT_DEFAULT_REALM"])
    return current_identity._get_current_object()


def current_user_id() -> int | None:
    """The verified token's user in this request, for security events (None without one)."""
    user = current_identity._get_current_object()
    return user.id if user is not None else None
