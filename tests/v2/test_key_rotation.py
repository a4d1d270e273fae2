"""Rotating v2's signing key on a running system (two gunicorn workers), step by step with the
operator's commands, while a third service verifies v2's tokens from its JWKS: nobody is
logged out, no other service notices, and no kid an attacker writes gets more than a 401."""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sidebyside.clients import AppClient, Exchange, client_for
from sidebyside.servers import REPO, AppServer, GunicornServer, free_port, server_env
from sidebyside.tokens import b64, decode_unverified, hs256, segment, v2_claims

PASSWORD = "correct horse battery"
# The verifiers' cache window in this test (PyJWKClient's is 330 s): the verifier caches the
# key set PUBLISH_SECONDS - 1 s. The promote right after `add` is asked with a window of
# REFUSED_WINDOW, so that it is refused however loaded the machine is.
PUBLISH_SECONDS = 4
REFUSED_WINDOW = 600
WORKERS = 2


def keys(keyring: Path, *args: str, secret: str = "",
         window: int = PUBLISH_SECONDS) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "shared", "keys", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "JWT_KEYRING": str(keyring),
                               "JWT_SECRET_KEY": secret,
                               "KEYRING_PUBLISH_SECONDS": str(window)})
    return done.returncode, done.stdout + done.stderr


def kid_state(keyring: Path, state: str) -> str:
    _, listing = keys(keyring, "list")
    return next(line.split()[0] for line in listing.splitlines()[1:]
                if line.split()[2:3] == [state])


def header(token: str) -> dict:
    return decode_unverified(token)[0]


class Verifier(AppServer):
    """sidebyside/verifier.py as a server: another team's API that trusts v2's ES256 keys."""

    def argv(self) -> list[str]:
        return [str(self.python), "-m", "sidebyside.verifier"]

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.whoami("x")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(self.log())

    def whoami(self, token: str) -> Exchange:
        return AppClient("verifier", self.base_url, "", "Bearer", "", False).request(
            "GET", "/whoami", token=token)


@pytest.fixture
def started() -> Iterator[list[AppServer]]:
    servers: list[AppServer] = []
    yield servers
    for server in servers:
        server.stop()


def start_v2(env: dict, log: Path, started: list[AppServer]) -> AppClient:
    server = GunicornServer("v2", env, log, workers=WORKERS)
    started.append(server)
    server.start()
    server.wait_ready()
    return client_for("v2", server.base_url, env["JWT_SECRET_KEY"])


def on_every_worker(me: AppClient, token: str, path: str = "/items") -> set[tuple]:
    """What v2 answers, asked often enough to reach both workers (each reads the keyring)."""
    return {(x.status, x.error) for x in (me.request("GET", path, token=token)
                                          for _ in range(4 * WORKERS))}


def test_a_rotation_logs_nobody_out_and_the_other_service_keeps_verifying(
        tmp_path: Path, db_url: str, started: list[AppServer]):
    secret = secrets.token_hex(32)
    keyring = tmp_path / "keyring.json"
    env = {**server_env(db_url), "JWT_SECRET_KEY": secret}

    # Before the keyring: a login whose tokens carry no kid.
    me = start_v2(env, tmp_path / "v2-before.log", started)
    assert me.register("ada", PASSWORD).status == 201
    before = me.tokens("ada", PASSWORD)
    assert "kid" not in header(before.access)
    started.pop().stop()

    # The operator starts a keyring (ES256) and restarts v2 with it.
    status, said = keys(keyring, "init", "--alg", "ES256", secret=secret)
    assert status == 0, said
    assert keyring.stat().st_mode & 0o777 == 0o600
    k1 = kid_state(keyring, "current")
    me = start_v2({**env, "JWT_KEYRING": str(keyring)}, tmp_path / "v2.log", started)
    assert on_every_worker(me, before.access) == {(200, None)}  # the declared window
    renewed = me.request("POST", "/refresh", token=before.refresh)
    assert renewed.status == 200 and header(renewed.json["access_token"])["kid"] == k1

    one = me.tokens("ada", PASSWORD)
    assert header(one.access) == {"alg": "ES256", "typ": "JWT", "kid": k1}
    jwks = me.request("GET", "/.well-known/jwks.json")
    assert jwks.headers["Cache-Control"] == "public, max-age=300"
    assert [(k["kid"], k["alg"], k["use"], k["kty"]) for k in jwks.json["keys"]] == \
        [(k1, "ES256", "sig", "EC")]
    assert "d" not in jwks.json["keys"][0]  # the public half only

    verifier = Verifier("v2", {**os.environ, "JWKS_URL": f"{me.base_url}/.well-known/jwks.json",
                               "JWKS_LIFESPAN": str(PUBLISH_SECONDS - 1),
                               "JWKS_COOLDOWN": str(PUBLISH_SECONDS - 1)},
                        tmp_path / "verifier.log", port=free_port())
    started.append(verifier)
    verifier.start()
    verifier.wait_ready()
    seen = verifier.whoami(one.access)
    assert seen.status == 200 and seen.json["kid"] == k1  # the verifier now caches k1 only

    # Add k2: published at once, but promoting it before the verifiers' window is refused.
    status, said = keys(keyring, "add", "--alg", "ES256")
    assert status == 0, said
    k2 = kid_state(keyring, "next")
    assert {k["kid"] for k in me.request("GET", "/.well-known/jwks.json").json["keys"]} == \
        {k1, k2}
    status, refusal = keys(keyring, "promote", k2, window=REFUSED_WINDOW)
    assert status == 1 and "cache window" in refusal
    ready = datetime.fromisoformat(said.rsplit("promote it after ", 1)[1].split()[0])
    time.sleep(max(0.0, (ready - datetime.now(UTC)).total_seconds()) + 1)
    status, said = keys(keyring, "promote", k2)
    assert status == 0, said

    two = me.tokens("ada", PASSWORD)
    assert header(two.access)["kid"] == k2
    assert on_every_worker(me, two.access) == {(200, None)}
    assert on_every_worker(me, one.access) == {(200, None)}  # k1's tokens still verify
    minted = me.request("POST", "/refresh", token=one.refresh)  # k1's refresh token...
    assert minted.status == 200
    assert header(minted.json["access_token"])["kid"] == k2  # ...mints under k2
    for token, kid in [(two.access, k2), (one.access, k1)]:
        seen = verifier.whoami(token)
        assert (seen.status, seen.json.get("kid")) == (200, kid), seen.json

    # Retiring k1 would log out whoever holds its refresh tokens: refused unless forced.
    status, said = keys(keyring, "retire", k1)
    assert status == 1 and "refresh token" in said
    status, said = keys(keyring, "retire", k1, "--force")
    assert status == 0, said
    assert on_every_worker(me, one.access) == {(401, "invalid_token")}
    refused = me.request("GET", "/items", token=one.access)
    assert refused.json["message"] == ("The token's signing key is unknown or retired. Log in "
                                       "at POST /login for a new token.")
    assert me.request("POST", "/refresh", token=one.refresh).status == 401
    assert on_every_worker(me, two.access) == {(200, None)}

    # Tokens from before the keyring, until the operator ends their window.
    assert on_every_worker(me, before.access) == {(200, None)}
    assert keys(keyring, "end-unkeyed")[0] == 1  # their users would be logged out
    assert keys(keyring, "end-unkeyed", "--force")[0] == 0
    assert on_every_worker(me, before.access) == {(401, "invalid_token")}
    assert "signed before the signing keys changed" in \
        me.request("GET", "/items", token=before.access).json["message"]

    # A restart changes nothing: the keyring is the state.
    for server in started:
        if isinstance(server, GunicornServer):
            server.stop()
            server.start()
            server.wait_ready()
    assert on_every_worker(me, two.access) == {(200, None)}
    assert on_every_worker(me, one.access) == {(401, "invalid_token")}


def forged(kid: object, key: str, alg: str = "HS256") -> str:
    head = {"alg": alg, "typ": "JWT", "kid": kid}
    signing_input = f"{segment(head)}.{segment(v2_claims('1'))}"
    if alg == "HS256":
        return hs256(v2_claims("1"), key, kid=kid)
    return f"{signing_input}.{b64(b'not a signature')}"


def test_no_kid_an_attacker_writes_gets_more_than_a_401(tmp_path: Path, db_url: str,
                                                         started: list[AppServer]):
    secret = secrets.token_hex(32)
    keyring = tmp_path / "keyring.json"
    assert keys(keyring, "init", "--alg", "ES256", secret=secret)[0] == 0
    assert keys(keyring, "add", "--alg", "HS256")[0] == 0
    es_kid = kid_state(keyring, "current")
    hs_kid = kid_state(keyring, "next")
    hs_secret = json.loads(keyring.read_text())["keys"][1]["secret"]
    me = start_v2({**server_env(db_url), "JWT_SECRET_KEY": secret, "JWT_KEYRING": str(keyring)},
                  tmp_path / "v2.log", started)
    me.register("bob", PASSWORD)
    attacks = {
        "path": forged("../x", secret), "int": forged(123, secret), "null": forged(None, secret),
        "10 kB": forged("k" * 10_000, secret), "unknown": forged("k-nobody", secret),
        "list": forged(["k"], secret),
        # The ES256 key's id on an HS256 token: its public key must never be an HMAC secret.
        "other algorithm's key": forged(es_kid, secret),
        "public key as HMAC secret": forged(es_kid, json.dumps(
            me.request("GET", "/.well-known/jwks.json").json["keys"][0])),
        "ES256 claims on the HS256 key": forged(hs_kid, hs_secret, alg="ES256"),
        "alg none": f"{segment({'alg': 'none', 'kid': es_kid})}.{segment(v2_claims('1'))}.",
    }
    for name, token in attacks.items():
        answer = me.request("GET", "/items", token=token)
        assert (answer.status, answer.error) == (401, "invalid_token"), (name, answer.body)
    # Not a blanket refusal: the next key verifies what it signs (bob is user 1).
    honest = me.request("GET", "/user/1", token=hs256(v2_claims("1"), hs_secret, kid=hs_kid))
    assert (honest.status, honest.json["username"]) == (200, "bob")
    assert "Traceback" not in started[0].log(last_lines=2000)


GOOD_KEY = {"kid": "k1", "alg": "HS256", "state": "current", "secret": "s" * 64}


@pytest.mark.parametrize(("keyring_json", "reason"), [
    ({"keys": [{**GOOD_KEY, "secret": "jose"}]},
     "key k1 refused: it is a well-known default secret"),
    ({"keys": [{**GOOD_KEY, "alg": "ES256", "secret": "not a pem"}]},
     "key k1 is not an unencrypted P-256 private key in PEM"),
    ({"keys": [GOOD_KEY], "unkeyed": "oops"}, '"unkeyed" must be'),
    ({"keys": [GOOD_KEY], "unkeyed": {"secret": "secret", "until": "2999-01-01T00:00:00"}},
     "the unkeyed secret (the old JWT_SECRET_KEY) refused"),
    ({"keys": [{**GOOD_KEY, "state": "next"}]}, "exactly one key must be current"),
], ids=["weak", "not-pem", "unkeyed-not-object", "weak-unkeyed", "no-current"])
def test_a_keyring_that_is_not_usable_stops_the_start_with_its_reason(
        tmp_path: Path, db_url: str, keyring_json: dict, reason: str):
    keyring = tmp_path / "keyring.json"
    keyring.write_text(json.dumps(keyring_json))
    server = AppServer("v2", {**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32),
                              "JWT_KEYRING": str(keyring)}, tmp_path / "v2.log")
    server.start()
    try:
        assert server.process is not None and server.process.wait(timeout=30) != 0
    finally:
        server.stop()
    log = server.log()
    assert reason in log and "refusing to start" in log and "Traceback" not in log


def test_a_keyring_broken_while_running_keeps_the_last_good_one(tmp_path: Path, db_url: str,
                                                               started: list[AppServer]):
    """Moved away, or edited into a key that cannot sign: every worker keeps signing with the
    last good keyring (and logs why), never a 500."""
    keyring = tmp_path / "keyring.json"
    assert keys(keyring, "init", "--alg", "ES256", secret=secrets.token_hex(32))[0] == 0
    me = start_v2({**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32),
                   "JWT_KEYRING": str(keyring)}, tmp_path / "v2.log", started)
    me.register("cy", PASSWORD)
    good = keyring.read_text()
    broken = json.loads(good)
    broken["keys"][0]["secret"] = "not a pem"
    for damage in ("moved", "not a pem", "not json"):
        if damage == "moved":
            keyring.rename(tmp_path / "elsewhere.json")
        else:
            keyring.write_text(json.dumps(broken) if damage == "not a pem" else "{")
        for _ in range(2 * WORKERS):
            token = me.tokens("cy", PASSWORD).access
            assert me.request("GET", "/items", token=token).status == 200, damage
            assert me.request("GET", "/.well-known/jwks.json").status == 200, damage
        if damage == "moved":
            (tmp_path / "elsewhere.json").rename(keyring)
    # New workers (gunicorn replaces them: here, a reload) start from the keys command's last
    # good copy, not the broken file.
    master = started[0]
    assert isinstance(master, GunicornServer)
    old_workers = master.worker_pids()
    os.kill(master.pid, signal.SIGHUP)
    deadline = time.monotonic() + 60
    while (master.worker_pids() & old_workers or len(master.worker_pids()) < WORKERS) \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not master.worker_pids() & old_workers
    for _ in range(2 * WORKERS):
        assert me.request("GET", "/items", token=me.tokens("cy", PASSWORD).access).status == 200
    assert "Traceback" not in master.log(last_lines=5000)


def test_promoting_a_shared_secret_over_a_published_key_is_refused(tmp_path: Path):
    keyring = tmp_path / "keyring.json"
    assert keys(keyring, "init", "--alg", "ES256", secret=secrets.token_hex(32))[0] == 0
    assert keys(keyring, "add", "--alg", "HS256")[0] == 0
    status, said = keys(keyring, "promote", kid_state(keyring, "next"))
    assert status == 1 and "they would refuse every new token" in said
