"""The security event log (shared/security_log.py, api_common/events.py), read from both live
servers' own output after the whole parity catalogue and the security suites before this
module have run against them: every refusal has exactly one event with its status, every
success that changes who may do what has its event, and nothing in the logs would help an
attacker who got hold of them (issue 28)."""

import contextlib
import json
import re
import uuid

import pytest

from sidebyside.clients import Exchange
from sidebyside.scenarios import World
from sidebyside.servers import AppServer
from sidebyside.tokens import decode_unverified

VOCABULARY = {
    "authn_login_success", "authn_login_fail", "authn_login_fail_max", "authn_password_change",
    "authn_password_change_fail", "authn_token_created", "authn_token_revoked",
    "authn_token_reuse", "session_use_after_expire", "authn_token_invalid", "authz_fail",
    "authz_change", "user_created", "user_deleted", "input_validation_fail", "sys_startup",
    "excess_rate_limit_exceeded", "authn_token_legacy_use",
}
SUCCESSES = [  # (method, path pattern, status) -> the event it must have
    ("POST", r"/register", 201, "user_created"),
    ("POST", r"/(auth|login)", 200, "authn_login_success"),
    ("POST", r"/(auth|login|refresh)", 200, "authn_token_created"),
    ("POST", r"/logout", 200, "authn_token_revoked"),
    ("PUT", r"/user/\d+/password", 200, "authn_password_change"),
    ("DELETE", r"/user/\d+", 200, "user_deleted"),
]
NEWLINE_NAME = 'mallory\n{"event": "authn_login_success", "userid": 1}'
JWT_CHARS = re.compile(r"[A-Za-z0-9_\-.]{16,}")


def events(server: AppServer) -> list[dict]:
    lines = server.log_path.read_text(errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


# Passwords only this module sends (fuzzing elsewhere draws strings from the source, which may
# then appear in a logged path: canaries must be unique to be proof).
CANARY = uuid.uuid4().hex[:12]
CANARY_PASSWORDS = {f"right-{CANARY}", f"wrong-{CANARY}", f"typed-as-name-{CANARY}",
                    f"changed-{CANARY}"}


@pytest.fixture(scope="module")
def logged(servers: dict[str, AppServer], world: World, results) -> dict[str, list[dict]]:
    """Both servers' events, once the parity catalogue (results) has run, plus a login whose
    username carries a newline and a fake event, and on each app a user's right, wrong and
    changed password, and a password typed into the username field."""
    for client in world.clients.values():
        client.login(NEWLINE_NAME, "any password at all")
        name = f"canary{client.name}{CANARY}"
        client.register(name, f"right-{CANARY}")
        client.login(name, f"wrong-{CANARY}")
        client.login(f"typed-as-name-{CANARY}", f"right-{CANARY}")
        token = client.tokens(name, f"right-{CANARY}").access
        user = world.store.find_user(name)
        client.change_password(user.id, token, f"right-{CANARY}", f"changed-{CANARY}")
    return {name: events(server) for name, server in servers.items()}


def exchanges(world: World) -> list[Exchange]:
    return [ex for client in world.clients.values() for ex in client.history]


def test_every_refusal_has_exactly_one_event_with_its_status(logged, world: World):
    by_request: dict[str, list[dict]] = {}
    for found in logged.values():
        for event in found:
            by_request.setdefault(event.get("request_id"), []).append(event)
    refusals = [ex for ex in exchanges(world) if ex.status in (401, 403, 429)]
    assert len(refusals) > 50  # at least the catalogue ran against these servers
    for ex in refusals:
        found = by_request.get(ex.headers.get("X-Request-ID"), [])
        assert [(e["status"], e["event"] in VOCABULARY, e["reason"]) for e in found] == [
            (ex.status, True, ex.error)], (ex.app, ex.method, ex.path, ex.status, found)
    for ex in exchanges(world):
        for method, pattern, status, name in SUCCESSES:
            if (ex.method, ex.status) == (method, status) and re.fullmatch(pattern, ex.path):
                names = [e["event"] for e in by_request.get(ex.headers.get("X-Request-ID"), [])]
                assert name in names, (ex.app, ex.method, ex.path, names)


def test_every_line_is_one_event_in_utc_named_from_the_vocabulary(logged):
    for app, found in logged.items():
        assert found and found[0]["event"] == "sys_startup" and found[0]["appid"] == app
        for event in found:
            assert event["event"] in VOCABULARY, event
            assert event["datetime"].endswith("+00:00"), event
            assert event["appid"] == app
    forged = [e for found in logged.values() for e in found
              if e["event"] == "authn_login_success" and set(e) == {"event", "userid"}]
    assert forged == []  # the newline username stayed inside one line
    attempts = [e for found in logged.values() for e in found
                if e.get("reason") in ("invalid_credentials", "validation_error")
                and e["request_uri"] in ("/auth", "/login")]
    assert attempts and all(e["userid"] is None or isinstance(e["userid"], int)
                            for e in attempts)


def test_no_token_password_or_key_reaches_either_log(logged, servers, world: World):
    """A canary scan of everything each server printed (security events, access log, any
    traceback): none of the run's tokens, signatures, token ids (only hashed), passwords
    (right or wrong) or keys."""
    tokens = set()
    for ex in exchanges(world):
        issued = list(ex.json.values()) if isinstance(ex.json, dict) else []
        for token in (ex.token, *issued):
            if isinstance(token, str) and token.count(".") == 2 and len(token) > 40:
                tokens.add(token)
                tokens.add(token.rsplit(".", 1)[1])  # the signature alone
                with contextlib.suppress(ValueError, UnicodeDecodeError, IndexError):
                    jti = decode_unverified(token)[1].get("jti")
                    tokens |= {jti} if isinstance(jti, str) and len(jti) >= 16 else set()
    assert len(tokens) > 100
    secrets = {server.secret for server in servers.values()}
    for name, server in servers.items():
        text = server.log_path.read_text(errors="replace")
        words = set(JWT_CHARS.findall(text))
        assert not (tokens | secrets) & words, name
        assert CANARY not in text and NEWLINE_NAME not in text, name
