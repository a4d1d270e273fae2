"""Signing keys that rotate without logging anyone out: Flask-JWT-Extended's three key hooks
over the keyring of shared/keyring.py (JWT_KEYRING). Without JWT_KEYRING, v2 signs with
JWT_SECRET_KEY alone, as before; Flask-JWT had no hook for any of this.

Every token names its key (`kid`); verification looks the kid up in the keyring, and anything
else — unknown, retired, malformed, the wrong type, a kid of another algorithm's key — is the
normal invalid-token answer: the loaders raise jwt.InvalidTokenError, never a KeyError (which
would escape Flask-JWT-Extended's handlers as a 500).
"""

from typing import Any

import jwt
from flask import Flask, current_app, g, jsonify
from flask_jwt_extended import JWTManager

from shared.keyring import KID, KeyringFile, SigningKey

PUBLIC_KEYS_PATH = "/.well-known/jwks.json"
# Verifiers may cache the key set this long (PyJWKClient's default lifespan).
JWKS_MAX_AGE = 300
# invalid_token's message adds what to do: "Log in at POST /login for a new token."
UNKEYED_ENDED = "This token was signed before the signing keys changed"
UNKNOWN_KEY = "The token's signing key is unknown or retired"


def keyring_source() -> KeyringFile:
    return current_app.extensions["keyring"]


def signing_key() -> SigningKey:
    """The key that signs this request's tokens: read once per request, so the kid in the
    header and the key that signs always match, even while an operator promotes another."""
    if "signing_key" not in g:
        g.signing_key = keyring_source().ring().current()
    return g.signing_key


def verification_key(header: dict, _payload: dict) -> Any:
    ring = keyring_source().ring()
    if "kid" not in header:
        if ring.accepts_unkeyed() and header.get("alg") == "HS256":
            return ring.unkeyed_secret
        raise jwt.InvalidTokenError(UNKEYED_ENDED)
    kid = header["kid"]
    # The header is not verified yet: check the kid's shape before any lookup.
    key = ring.verifying(kid) if isinstance(kid, str) and KID.fullmatch(kid) else None
    if key is None:
        raise jwt.InvalidTokenError(UNKNOWN_KEY)
    if header.get("alg") != key.alg:  # an HS256 token naming an ES256 key, or the reverse
        raise jwt.InvalidTokenError("The token's algorithm does not match its signing key")
    return key.verification_material


def public_keys():
    """The public halves of the ES256 keys, for other services; HS256 secrets never show, so
    without a keyring (or with HS256 keys only) the set is empty."""
    source = current_app.extensions.get("keyring")
    response = jsonify(source.ring().jwks() if source else {"keys": []})
    response.headers["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE}"
    return response


def init_keyring(app: Flask, jwt_manager: JWTManager) -> None:
    app.add_url_rule(PUBLIC_KEYS_PATH, "public_keys", public_keys)
    path = app.config.get("JWT_KEYRING")
    if not path:
        return  # one secret, JWT_SECRET_KEY
    source = KeyringFile(path)
    ring = source.ring()  # a missing or bad keyring stops the start (ConfigError)
    app.extensions["keyring"] = source
    # Every algorithm a key may use; each key is pinned to its own in verification_key.
    app.config["JWT_DECODE_ALGORITHMS"] = ["HS256", "ES256"]
    app.config["JWT_ALGORITHM"] = ring.current().alg  # what FJE checks at start; headers win

    @jwt_manager.additional_headers_loader
    def key_header(_identity: Any) -> dict:
        key = signing_key()
        return {"kid": key.kid, "alg": key.alg}  # PyJWT signs with the header's alg

    @jwt_manager.encode_key_loader
    def encode_key(_identity: Any) -> Any:
        return signing_key().signing_material

    jwt_manager.decode_key_loader(verification_key)
