"""What the tests of tests/upstream ask a throwaway environment (upstream/envs.py), stock or
patched; each prints one JSON document, and the tests compare the environments' answers.

python -m tests.upstream.probes pyjwt|fje   (from a throwaway environment's interpreter)
"""

import json
import logging
import secrets
import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Every ASCII character outside the alphabet ("=" is padding: PyJWT 2.15.1 accepts it at a
# segment's end, and the outcome is compared like any other), and characters beyond ASCII.
JUNK = ([chr(c) for c in range(128) if chr(c) not in ALPHABET]
        + ["é", "\u00a0", "\u2028", "\uff21", "\U0001f512"])
JUNK_BYTES = [bytes([b]) for b in range(128, 256)]
# What GHSA-hxm8-2xgr-2p9m's fix refuses after the signature (its report's example first).
SUFFIXES = ["!!!!", "!", "+", "/", "+/+/", "~", "%3D", " ", "\t", "\n", "\x00", "é", ".",
            "..", "=!", "A!", "====", "=="]


def library_state() -> dict[str, Any]:
    import flask_jwt_extended.jwt_manager
    import jwt.api_jws
    return {"pyjwt_fast_check": hasattr(jwt.api_jws, "_only_base64url"),
            "fje_decode_once": hasattr(flask_jwt_extended.jwt_manager.JWTManager,
                                       "_decode_complete_jwt_from_config")}


def inserted(segments: list[str], index: int, position: int, junk: str | bytes) -> str | bytes:
    """The token with `junk` inserted into one segment (bytes beyond ASCII: a bytes token)."""
    if isinstance(junk, str):
        text = list(segments)
        text[index] = text[index][:position] + junk + text[index][position:]
        return ".".join(text)
    raw = [segment.encode() for segment in segments]
    raw[index] = raw[index][:position] + junk + raw[index][position:]
    return b".".join(raw)


def pyjwt_outcomes() -> dict[str, Any]:
    """{case: "accepted" or the exception's class} for a valid HS256 token and every mutation:
    junk after the signature, and each junk character at the start, middle and end of each
    segment (as str, and as bytes for the bytes beyond ASCII)."""
    import jwt

    key = secrets.token_bytes(32)
    token = jwt.encode({"sub": "1", "exp": 4102444800}, key, algorithm="HS256")

    def outcome(candidate: str | bytes) -> str:
        try:
            jwt.decode(candidate, key, algorithms=["HS256"])
        except Exception as e:  # the class is the answer (a crash would show as its class)
            return type(e).__name__
        return "accepted"

    cases = {"valid": outcome(token)}
    for suffix in SUFFIXES:
        cases[f"after signature {suffix!r}"] = outcome(token + suffix)
    segments = token.split(".")
    for index, segment in enumerate(segments):
        for position in (0, len(segment) // 2, len(segment)):
            every: list[str | bytes] = [*JUNK, *JUNK_BYTES]
            for junk in every:
                cases[f"segment {index} at {position}: {junk!r}"] = outcome(
                    inserted(segments, index, position, junk))
    # The alphabet check on its own (the decode's round trip would refuse junk without it).
    import jwt.api_jws
    check = getattr(jwt.api_jws, "_only_base64url", None)
    wrong = None if check is None else [
        byte for byte in range(256) if check(bytes([byte])) != (chr(byte) in ALPHABET)]
    return {"state": library_state(), "cases": cases, "check_wrong_for_bytes": wrong}


def fje_trace(keyring: bool = False) -> dict[str, Any]:
    """For each token case on the real v2 app in-process: the status, the error code, and in
    which order Flask-JWT-Extended's callbacks and the view's store calls ran. keyring: the
    app signs from a keyring (key rotation: a decode_key_loader)."""
    from flask_jwt_extended import create_access_token

    from upstream.count import app_config, has_decode_key_loader
    from v2_jwt_extended.app import create_app

    logging.getLogger("security").disabled = True
    trace: list[str] = []

    def traced(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            trace.append(name)
            return fn(*args, **kwargs)
        return call

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(app_config(Path(tmp), keyring))
        store = app.extensions["store"]
        try:
            manager = app.extensions["flask-jwt-extended"]
            # (Not _decode_key_callback: the patch looks at whether it is the default one.)
            for attribute, name in [("_token_in_blocklist_callback", "blocklist"),
                                    ("_token_verification_callback", "claims check"),
                                    ("_user_lookup_callback", "user lookup"),
                                    ("_revoked_token_callback", "revoked"),
                                    ("_expired_token_callback", "expired"),
                                    ("_invalid_token_callback", "invalid"),
                                    ("_needs_fresh_token_callback", "needs fresh"),
                                    ("_user_lookup_error_callback", "user gone"),
                                    ("_unauthorized_callback", "unauthorized")]:
                setattr(manager, attribute, traced(name, getattr(manager, attribute)))
            for method in ("get_item", "create_item", "change_password"):
                setattr(store, method, traced(f"store.{method}", getattr(store, method)))
            store.create_item("chair", 12.5)
            client = app.test_client()

            def login(name: str) -> dict[str, str]:
                body = {"username": name, "password": "password123"}
                if client.post("/login", json=body).status_code != 200:
                    assert client.post("/register", json=body).status_code == 201
                answer = client.post("/login", json=body)
                assert answer.status_code == 200, answer.get_json()
                return answer.get_json()

            def call(method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
                trace.clear()
                answer = client.open(path, method=method,
                                     headers={"Authorization": f"Bearer {token}"}, **kwargs)
                body = answer.get_json() or {}
                return {"status": answer.status_code, "error": body.get("error"),
                        "message": body.get("message"),
                        "trace": list(trace)}

            tokens = login("alice")
            logged_out = login("alice")
            assert client.post("/logout", headers={
                "Authorization": f"Bearer {logged_out['access_token']}"}).status_code == 200
            not_fresh = client.post("/refresh", headers={
                "Authorization": f"Bearer {tokens['refresh_token']}"}).get_json()["access_token"]
            before_change = login("bob")
            changed = login("bob")
            assert client.put(f"/user/{store.find_user('bob').id}/password", json={
                "old_password": "password123", "new_password": "password456"},
                headers={"Authorization": f"Bearer {changed['access_token']}"}
            ).status_code == 200
            with app.app_context():
                alice = store.find_user("alice")
                expired = create_access_token(identity=alice,
                                              expires_delta=timedelta(seconds=-1))
            header, payload, signature = tokens["access_token"].split(".")
            tampered = ".".join([header, payload, ("A" if signature[0] != "A" else "B")
                                 + signature[1:]])
            # Not JSON ("not json", base64url), under the signature of another payload.
            unsigned_garbage = ".".join([header, "bm90IGpzb24", signature])
            cases = {
                "valid access token": call("GET", "/item/chair", tokens["access_token"]),
                "revoked (logged out)": call("GET", "/item/chair", logged_out["access_token"]),
                "refresh token of a logged-out login": call(
                    "POST", "/refresh", logged_out["refresh_token"]),
                "revoked (password changed since)": call(
                    "GET", "/item/chair", before_change["access_token"]),
                "expired": call("GET", "/item/chair", expired),
                "wrong type: refresh token as access": call(
                    "GET", "/item/chair", tokens["refresh_token"]),
                "wrong type: access token at /refresh": call(
                    "POST", "/refresh", tokens["access_token"]),
                "not fresh at a fresh-only write": call(
                    "POST", "/item/desk", not_fresh, json={"price": 3}),
                "bad signature": call("GET", "/item/chair", tampered),
                "bad signature over a payload that is not JSON": call(
                    "GET", "/item/chair", unsigned_garbage),
            }
            return {"state": library_state(), "cases": cases,
                    "decode_key_loader": has_decode_key_loader(app),
                    "desk_created": store.get_item("desk") is not None}
        finally:
            store.close()


def main(argv: list[str]) -> int:
    probes = {"pyjwt": pyjwt_outcomes, "fje": fje_trace,
              "fje-keyring": lambda: fje_trace(keyring=True)}
    print(json.dumps(probes[argv[0]]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
