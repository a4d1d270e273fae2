"""The cut-over's sibling story: v2's signing key rotates on a running system, and nobody is
logged out (make demo DEMO_ARGS=--rotation, or python -m sidebyside.rotation).

v2 runs with one secret; the operator starts a keyring, adds a key, promotes it after the
verifiers' cache window, and retires the old one; a client keeps its tokens throughout and
another service keeps verifying them from v2's JWKS. Every step declares what it must
answer; an UNEXPECTED answer makes the exit status 1. The verifiers' cache window is 15 s
here (KEYRING_PUBLISH_SECONDS), 330 s with PyJWKClient's defaults.
"""

import os
import secrets
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

from shared.keyring import KeyringFile
from sidebyside.clients import AppClient, Exchange, client_for
from sidebyside.databases import fresh_store_url
from sidebyside.scenarios import PASSWORD
from sidebyside.servers import REPO, AppServer, free_port, server_env
from sidebyside.tokens import decode_unverified

# Long enough that the refused promote right after `add` is refused on a loaded machine.
WINDOW = 15


class Story:
    def __init__(self, workdir: Path, db_url: str):
        self.workdir, self.db_url = workdir, db_url
        self.secret = secrets.token_hex(32)
        self.keyring = workdir / "keyring.json"
        self.servers: dict[str, AppServer] = {}
        self.unexpected = 0
        self.number = 0

    def say(self, text: str) -> None:
        print(text, flush=True)

    def step(self, title: str) -> None:
        self.number += 1
        self.say(f"\nStep {self.number} · {title}")

    def check(self, what: str, got: object, expected: object) -> None:
        mark = "ok" if got == expected else "UNEXPECTED"
        self.unexpected += got != expected
        self.say(f"  {what}: {got}" + ("" if got == expected else
                                        f"   {mark}: declared {expected}"))

    def keys(self, *args: str) -> tuple[int, str]:
        done = subprocess.run([sys.executable, "-m", "shared", "keys", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=60,
                              env={**os.environ, "JWT_KEYRING": str(self.keyring),
                                   "JWT_SECRET_KEY": self.secret,
                                   "KEYRING_PUBLISH_SECONDS": str(WINDOW),
                                   "SECURITY_LOG_FILE": str(self.workdir / "cli-events.log")})
        said = (done.stdout or done.stderr).strip().splitlines()
        self.say(f"  $ python -m shared keys {' '.join(args)}")
        self.say(textwrap.fill(said[-1] if said else "", 100, initial_indent="    ",
                               subsequent_indent="    "))
        return done.returncode, done.stdout

    def kid(self, state: str) -> str:
        """The id of the key in that state, read from the keyring the commands wrote."""
        return next(k.kid for k in KeyringFile(self.keyring).ring().keys if k.state == state)

    def start(self, name: str, argv_module: str, env: dict) -> AppServer:
        if name in self.servers:
            self.servers[name].stop()
        server = Module(argv_module, env, self.workdir / f"{name}.log", free_port())
        server.start()
        server.wait_ready()
        self.servers[name] = server
        return server

    def v2(self, **env: str) -> AppClient:
        server = self.start("v2", "v2_jwt_extended",
                            {**server_env(self.db_url), "JWT_SECRET_KEY": self.secret, **env})
        return client_for("v2", server.base_url, self.secret)

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


class Module(AppServer):
    """A server by module name in .venv-v2 (v2 itself, or the verifier)."""

    def __init__(self, module: str, env: dict, log: Path, port: int):
        super().__init__("v2", env, log, port, module=module)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                AppClient("probe", self.base_url, "", "Bearer", "", False).request("GET", "/")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(self.log())


def kid_of(token: str) -> str:
    return decode_unverified(token)[0].get("kid", "none")


def answer(exchange: Exchange) -> str:
    return f"{exchange.status} {exchange.error or ''}".strip()


def tell(story: Story) -> None:
    story.step("v2 signs with one secret (JWT_SECRET_KEY); Ada logs in")
    me = story.v2()
    me.register("ada", PASSWORD)
    before = me.tokens("ada", PASSWORD)
    story.check("her token's kid", kid_of(before.access), "none")

    story.step("The operator starts a keyring (ES256) and restarts v2 with it")
    story.keys("init", "--alg", "ES256")
    me = story.v2(JWT_KEYRING=str(story.keyring))
    story.check("Ada's old token, no kid", answer(me.request("GET", "/items",
                                                             token=before.access)), "200")
    me.register("bob", PASSWORD)
    one = me.tokens("bob", PASSWORD)
    k1 = story.kid("current")
    story.check("Bob logs in: his token's kid", kid_of(one.access), k1)

    story.step("Another team's API verifies v2's tokens from /.well-known/jwks.json")
    verifier = story.start("verifier", "sidebyside.verifier", {
        **os.environ, "JWKS_URL": f"{me.base_url}/.well-known/jwks.json",
        "JWKS_LIFESPAN": str(WINDOW - 1), "JWKS_COOLDOWN": str(WINDOW - 1)})
    other = AppClient("verifier", verifier.base_url, "", "Bearer", "", False)
    story.check("it verifies Bob's token", answer(other.request("GET", "/whoami",
                                                                token=one.access)), "200")

    story.step("Add k2: published at once; promoting it at once is refused")
    added = story.keys("add", "--alg", "ES256")[1]
    ready = datetime.fromisoformat(added.rsplit("promote it after ", 1)[1].split()[0])
    k2 = story.kid("next")
    published = {k["kid"] for k in me.request("GET", "/.well-known/jwks.json").json["keys"]}
    story.check("keys published", sorted(published), sorted({k1, k2}))
    story.check("promote now (exit status)", story.keys("promote", k2)[0], 1)

    story.step(f"After the verifiers' cache window ({WINDOW} s here, 330 s in real life)")
    time.sleep(max(0.0, (ready - datetime.now(UTC)).total_seconds()) + 1)
    story.check("promote k2 (exit status)", story.keys("promote", k2)[0], 0)
    two = me.tokens("ada", PASSWORD)
    story.check("Ada logs in again: her token's kid", kid_of(two.access), k2)
    story.check("Bob's k1 token at v2", answer(me.request("GET", "/items", token=one.access)),
                "200")
    minted = me.request("POST", "/refresh", token=one.refresh)
    story.check("Bob's k1 refresh token mints a token whose kid is",
                kid_of(minted.json["access_token"]), k2)
    for who, token in [("Ada's k2", two.access), ("Bob's k1", one.access)]:
        story.check(f"the other API verifies {who} token",
                    answer(other.request("GET", "/whoami", token=token)), "200")

    story.step("Retire k1: refused while a refresh token it signed can live (30 days)")
    story.check("retire k1 (exit status)", story.keys("retire", k1)[0], 1)
    story.say("  Forced here, to show what retiring does (in real life: wait the 30 days).")
    story.keys("retire", k1, "--force")
    story.check("Bob's k1 access token", answer(me.request("GET", "/items", token=one.access)),
                "401 invalid_token")
    story.check("Bob's refreshed (k2) token", answer(me.request(
        "GET", "/items", token=minted.json["access_token"])), "200")
    story.check("Ada's token from before the keyring", answer(me.request(
        "GET", "/items", token=before.access)), "200")

    story.say("\nWhat happened to whom: nobody was logged out by the rotation itself. Ada's "
              "token from\nbefore the keyring, Bob's k1 token and both logins kept working, at "
              "v2 and at the other\nAPI. Only the forced retirement refused what k1 still signed "
              "(Bob's first access and\nrefresh tokens); his refreshed token carried on. "
              f"{story.unexpected} unexpected answer(s).")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp, fresh_store_url(Path(tmp)) as db_url:
        story = Story(Path(tmp), db_url)
        try:
            tell(story)
        finally:
            story.stop()
        return 1 if story.unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
