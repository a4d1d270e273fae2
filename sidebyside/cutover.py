"""make demo DEMO_ARGS=--cutover: v2 takes over from a running v1, and nobody is logged out.

v1 serves clients holding day-long Flask-JWT tokens; v2 starts on the same store, first without
the bridge (the silent anonymous list, the 401s), then with it (the same clients keep working,
one exchanges its token, one old client logs in at v2's /auth), then the grace window closes.
Every step declares what it must answer; an UNEXPECTED answer makes the exit status 1.
"""

import contextlib
import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.rule import Rule
from rich.text import Text

from shared import Store
from sidebyside.clients import AppClient, Exchange, client_for
from sidebyside.databases import fresh_store_url
from sidebyside.render import status_style, theme
from sidebyside.scenarios import PASSWORD
from sidebyside.servers import REPO, AppServer, server_env, venv_python
from sidebyside.terminal import Keys, size, stop_on_signals

STEPS = 14  # the story's steps (a test counts them on the screen)
PROMPT = "[Enter/→ next · ← back · q quit]"

EXCHANGE = {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:jwt"}


class Stage:
    """The running servers and what the clients hold, as the story moves on."""

    def __init__(self, workdir: Path, db_url: str, console: Console, keys: Keys | None = None):
        self.workdir, self.db_url, self.console, self.terminal = workdir, db_url, console, keys
        self.phase, self.notes, self.screens, self.steps = "", list[str](), list[Group](), 0
        self.keys = {"v1": secrets.token_hex(32), "v2": secrets.token_hex(32)}
        self.servers: dict[str, AppServer] = {}
        self.ids: dict[str, int] = {}
        self.tokens: dict[str, str] = {}
        self.unexpected = 0

    def start(self, name: str, **env: str) -> AppClient:
        if name in self.servers:
            self.servers[name].stop()
        server = AppServer(name, {**server_env(self.db_url), "JWT_SECRET_KEY": self.keys[name],
                                  **env}, self.workdir / f"{name}.log")
        server.start()
        server.wait_ready()
        self.servers[name] = server
        self.note(f"  ({name} started, pid {server.pid})")
        return client_for(name, server.base_url, server.secret)

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def v2_with_bridge(self, until: datetime) -> AppClient:
        return self.start("v2", LEGACY_JWT_SECRET_KEY=self.keys["v1"],
                          LEGACY_TOKENS_UNTIL=until.isoformat())

    def say(self, phase: str) -> None:
        self.phase = phase
        if not self.terminal:
            self.console.print(Rule(Text(phase, style="bold"), style="note"))

    def note(self, text: str) -> None:
        """A line about the servers: printed, or shown on the next screen when stepping."""
        if self.terminal:
            self.notes.append(text)
        else:
            self.console.print(text, style="note", highlight=False)

    def step(self, title: str, exchange: Exchange, expect: tuple[int, str | None]) -> Exchange:
        """One request of the story, coloured as in every demo (a success green, a refusal
        in its own colour) and checked against what it must answer."""
        got = (exchange.status, exchange.error)
        ok = got == expect
        self.unexpected += not ok
        self.steps += 1
        auth = exchange.request_headers.get("Authorization", "").split(" ")[0]
        body = exchange.json if isinstance(exchange.json, dict) else {}
        shown = body.get("message") or ", ".join(f"{k}" for k in body) or ""
        text = Text(f"{title}\n", style="bold")
        text.append(f"  {exchange.method} {exchange.path}"
                    + (f"  (Authorization: {auth} …)" if auth else "") + "\n  → ")
        text.append(f"{got[0]} {got[1] or ''}".rstrip(), style=status_style(got[0]))
        text.append(f" {shown}")
        text.append("   as declared" if ok else f"   UNEXPECTED, expected {expect}",
                    style="note" if ok else "unexpected")
        self.show(text, f"Cut-over step {self.steps}/{STEPS}")
        return exchange

    def show(self, part: RenderableType, label: str = "") -> None:
        """Straight through: print it. Stepping: a screen of its own, then wait for a key."""
        if not self.terminal:
            self.console.print(part)
            return
        notes = [Text(n, style="note") for n in self.notes]
        self.notes = []
        self.screens.append(Group(Rule(Text(self.phase, style="bold"), style="note"), *notes, part,
                                  Text(label, style="note")))
        self.pause()

    def pause(self) -> None:
        """The latest screen; ← shows earlier ones again (what happened cannot be undone, so
        there is no replay or jump here), → comes back and goes on with the story."""
        assert self.terminal
        at, hint = len(self.screens) - 1, ""
        while True:
            columns, _ = size()
            out = Console(width=columns, force_terminal=True, theme=theme(),
                          color_system=self.console.color_system)  # type: ignore[arg-type]
            with out.capture() as screen:
                out.print(self.screens[at])
                if hint:
                    out.print(hint, style="hint", highlight=False)
            sys.stdout.write("\x1b[H\x1b[2J" + screen.get() + PROMPT + " ")
            sys.stdout.flush()
            key, hint = self.terminal.read(), ""
            if key == "quit":
                raise KeyboardInterrupt
            if key in ("enter", "next"):
                if at == len(self.screens) - 1:
                    return
                at += 1
            elif key == "back":
                at = max(at - 1, 0)
            elif key in ("replay", "raw") or key.isdigit():
                hint = ("The cut-over is one story whose steps change the servers: no replay "
                        "or jump here; ← and → move through what happened.")

    def bridge_report(self) -> None:
        done = subprocess.run([str(venv_python("v2")), "-m", "shared", "bridge"], cwd=REPO,
                              env={**os.environ, "DATABASE_URL": self.db_url},
                              capture_output=True, text=True, timeout=60)
        self.show(Text(f"  $ python -m shared bridge\n  {done.stdout.strip()}", style="note"),
                  "What the operator sees: who still uses a legacy token")


def story(s: Stage) -> None:
    say: Callable[[str], None] = s.say
    say("1. v1 (Flask-JWT) is serving; its clients hold day-long tokens")
    v1 = s.start("v1", ACCESS_TOKEN_SECONDS="86400")
    for name in ("ann", "bob", "cai"):
        s.ids[name] = v1.register(name, PASSWORD).json["id"]
        s.tokens[name] = s.step(f"{name} logs in at v1", v1.login(name, PASSWORD),
                                (200, None)).json["access_token"]
    with Store(s.db_url) as store:
        store.create_item("chair", 12.5)

    say("2. v2 replaces it on the same store, without the bridge")
    v2 = s.start("v2")
    legacy = {"Authorization": f"JWT {s.tokens['ann']}"}
    s.step("ann's client, unchanged: the list is silently anonymous",
           v2.request("GET", "/items", headers=legacy), (200, None))
    s.step("ann reads her account: logged out", v2.request(
        "GET", f"/user/{s.ids['ann']}", headers=legacy), (401, "authorization_required"))

    say("3. v2 with the bridge: LEGACY_JWT_SECRET_KEY=<v1's key>, LEGACY_TOKENS_UNTIL=+1 day")
    v2 = s.v2_with_bridge(datetime.now(UTC) + timedelta(days=1))
    s.step("ann's unchanged client reads her account",
           v2.request("GET", f"/user/{s.ids['ann']}", headers=legacy), (200, None))
    s.step("...and may not create (a legacy token is never fresh)", v2.request(
        "POST", "/item/lamp", headers=legacy, json_body={"price": 3}),
        (401, "fresh_token_required"))
    form = "&".join(f"{k}={v}" for k, v in {**EXCHANGE, "subject_token": s.tokens["bob"]}.items())
    traded = s.step("bob's updated client exchanges its token (RFC 8693)", v2.request(
        "POST", "/token/exchange", raw_body=form,
        content_type="application/x-www-form-urlencoded"), (200, None))
    s.step("bob now uses Bearer", v2.request("GET", f"/user/{s.ids['bob']}",
                                             token=traded.json["access_token"]), (200, None))
    s.step("bob's old token was spent by the exchange", v2.request(
        "GET", "/items", headers={"Authorization": f"JWT {s.tokens['bob']}"}),
        (401, "token_revoked"))
    cai = s.step("cai's old client logs in at v2's POST /auth", v2.request(
        "POST", "/auth", json_body={"username": "cai", "password": PASSWORD}), (200, None))
    s.step("...and sends the new token with its old 'JWT' prefix", v2.request(
        "GET", f"/user/{s.ids['cai']}",
        headers={"Authorization": f"JWT {cai.json['access_token']}"}), (200, None))
    s.bridge_report()

    say("4. The grace window closes (v2 restarted with LEGACY_TOKENS_UNTIL in the past)")
    v2 = s.v2_with_bridge(datetime.now(UTC) - timedelta(seconds=1))
    s.step("ann's legacy token is retired: log in again", v2.request(
        "GET", f"/user/{s.ids['ann']}", headers=legacy), (401, "token_expired"))
    s.step("ann logs in at v2", v2.login("ann", PASSWORD), (200, None))
    s.bridge_report()


ENDING = """\
ann kept her unchanged v1 client through the bridge: she could read (a legacy token is never
  fresh, so she could not create); when the grace window closed her legacy token was refused
  (token_expired) and she logged in again at v2: the one log-in the cut-over asked of anyone.
bob's updated client exchanged his v1 token for v2 tokens (RFC 8693) and went on with Bearer;
  his old token was spent by the exchange (token_revoked).
cai's old client logged in at v2's POST /auth and kept its 'JWT' prefix with the new token.
Nobody was logged out before the grace window ended; no account or item was lost.
Then delete v2_jwt_extended/bridge.py once `python -m shared bridge` shows no legacy token
for a while."""


def main(step: bool = False) -> int:
    """step: a screen per step and a key between them (on a terminal)."""
    stop_on_signals()
    console = Console(width=None if sys.stdout.isatty() else 120, theme=theme())
    with tempfile.TemporaryDirectory() as tmp, fresh_store_url(Path(tmp)) as db_url, \
            (Keys() if step else contextlib.nullcontext()) as keys:
        stage = Stage(Path(tmp), db_url, console, keys)
        try:
            story(stage)
        except KeyboardInterrupt:
            console.print("\nstopped; both servers are down.")
            return 0
        finally:
            stage.stop()
    if step:
        sys.stdout.write("\x1b[H\x1b[2J")
    console.print(Rule(Text("End of the cut-over: what happened to whom", style="bold"),
                       style="note"))
    if stage.unexpected:  # the summary below would not be true: say so instead
        console.print(f"{stage.unexpected} step(s) answered otherwise than declared "
                      "(UNEXPECTED above): this run is not the story.", style="unexpected")
        return 1
    console.print(ENDING, highlight=False)
    return 0
