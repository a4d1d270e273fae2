"""Forge JWTs with the standard library only, so the same attacks run against both stacks
(and against PyJWT 1.7.1 and 2.x) without trusting either library to build them."""

import base64
import hashlib
import hmac
import json
import time
from typing import Any


def b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def segment(obj: Any) -> str:
    return b64(json.dumps(obj, separators=(",", ":")))


def sign(header: dict, payload: dict, key: str, digest: str = "sha256") -> str:
    signing_input = f"{segment(header)}.{segment(payload)}"
    signature = hmac.new(key.encode(), signing_input.encode(), getattr(hashlib, digest)).digest()
    return f"{signing_input}.{b64(signature)}"


def hs256(payload: dict, key: str, **header: Any) -> str:
    return sign({"alg": "HS256", "typ": "JWT", **header}, payload, key)


def v1_claims(user_id: Any, *, age: int = 0, lifetime: int = 300) -> dict:
    """What Flask-JWT's POST /auth puts in a token, valid since `age` seconds ago.

    `iat` is now, to the microsecond, as both apps issue it: a token older than its
    account is refused whatever else it says, so an "old" token is forged by moving nbf
    and exp back, not iat."""
    iat = round(time.time(), 6)
    start = int(iat) - age
    return {"identity": user_id, "iat": iat, "nbf": start, "exp": start + lifetime}


def v2_claims(user_id: Any, *, age: int = 0, lifetime: int = 900, type_: str = "access",
              fresh: bool = False, jti: str = "forged-jti", **extra: Any) -> dict:
    """What Flask-JWT-Extended 4.x puts in a token (iat, nbf and exp as in v1_claims)."""
    iat = round(time.time(), 6)
    start = int(iat) - age
    return {"sub": user_id, "iat": iat, "nbf": start, "exp": start + lifetime, "type": type_,
            "fresh": fresh, "jti": jti, **extra}


def decode_unverified(token: str) -> tuple[dict, dict]:
    def part(s: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))

    header, payload, _ = token.split(".")
    return part(header), part(payload)
