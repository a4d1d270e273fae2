"""Logout with Flask-JWT-Extended: revoked token ids live in the shared store (the course kept
them in a Python set, lost on restart and unseen by a second worker). A password change
revokes every older token of that account, without a row per token: see is_revoked.

A login yields two tokens. Each access token carries its refresh token's id ("refresh_jti"),
so logging out with either token ends the whole login: the refresh token, and every access
token minted from it by /refresh.
"""

from datetime import UTC, datetime, timedelta
from typing import Literal

from flask import current_app, g
from flask_jwt_extended import get_jti, get_jwt

from api_common import current_store


def login_claims(refresh_jti: str) -> dict:
    return {"refresh_jti": refresh_jti}


def lifetime_until(configured: timedelta | Literal[False], end: datetime) -> timedelta:
    """A token lifetime (JWT_*_TOKEN_EXPIRES; False: never expires) that ends by `end`."""
    left = max(end - datetime.now(UTC), timedelta(seconds=1))
    return min(configured, left) if configured else left


def jti_of(token: str) -> str:
    jti = get_jti(token)
    if jti is None:  # every token Flask-JWT-Extended makes has one
        raise RuntimeError("a token without a jti")
    return jti


def is_revoked(_jwt_header: dict, jwt_payload: dict) -> bool:
    """token_in_blocklist_loader. Flask-JWT-Extended asks it first, then user_lookup_loader:
    one statement answers both, and the user waits in `g` for the lookup (app.py)."""
    # Tokens without a jti (never ours) are not "revoked": they fail elsewhere, and a None
    # in the blocklist would revoke every such token at once.
    user, revoked = current_store.user_and_revocation(
        user_id_of(jwt_payload), jwt_payload.get("jti"), jwt_payload.get("refresh_jti")
    )
    g.jwt_user = user
    # A token older than the account (its id reused) or than its last password change is
    # revoked too: that ends stolen sessions, refresh tokens included.
    return revoked or (user is not None
                       and not user.issued_this_generation(jwt_payload.get("iat")))


def user_id_of(jwt_payload: dict) -> int | None:
    sub = jwt_payload.get("sub")
    return int(sub) if isinstance(sub, str) and sub.isascii() and sub.isdigit() else None


# Tokens configured never to expire (JWT_*_TOKEN_EXPIRES=False) stay revoked "forever".
NEVER = 253402300799  # 9999-12-31T23:59:59Z


def revoke_current_login() -> None:
    # BEGIN SOLUTION logout
    payload = get_jwt()
    revoked = [(payload["jti"], payload.get("exp", NEVER))]
    if "refresh_jti" in payload:
        # The refresh token was issued at or before this access token, so it expires no
        # later than this bound; its entry may outlive it a little, never the reverse.
        lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
        expires = int(payload["iat"] + lifetime.total_seconds()) if lifetime else NEVER
        revoked.append((payload["refresh_jti"], expires))
    current_store.revoke(revoked)
    # END SOLUTION
