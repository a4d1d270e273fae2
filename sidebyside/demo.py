"""make demo: both apps on one shared store, the migration story told scenario by scenario.

--step   wait for Enter between steps (only on a terminal)
--serve  keep both apps running afterwards and print curl lines for each
--cutover  the cut-over instead: v2 takes over from a running v1 (sidebyside/cutover.py)
Without a terminal it runs straight through (CI). Ctrl-C or an error stops both servers.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

from rich.console import Console, Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from sidebyside.clients import Exchange
from sidebyside.matrix import world_for
from sidebyside.scenarios import CATALOGUE, PASSWORD, Outcome, Scenario, observed_verdict, run
from sidebyside.servers import AppServer, running_apps
from sidebyside.tokens import decode_unverified

LIBRARY = {"v1": "v1 · Flask-JWT 0.3.2", "v2": "v2 · Flask-JWT-Extended 4.7"}
VERDICT_STYLE = {"same": "green", "differs": "yellow", "v2_only": "cyan", "v1_only": "cyan"}
# The story: every scenario that teaches something, in the catalogue's (teaching) order.
STORY = [sc for sc in CATALOGUE if sc.lesson]


def short(token: str) -> str:
    return f"{token[:12]}…{token[-6:]}" if len(token) > 24 else token


def request_text(ex: Exchange) -> Text:
    text = Text(f"{ex.method} {ex.path}\n", style="bold")
    for name, value in ex.request_headers.items():
        if name == "Authorization":
            scheme, _, token = value.partition(" ")
            value = f"{scheme} {short(token)}" if token else repr(value)
        text.append(f"{name}: {value}\n", style="dim")
    if ex.request_body:
        text.append(ex.request_body[:200] + "\n")
    return text


def response_text(ex: Exchange) -> Text:
    style = "green" if ex.status < 400 else "red" if ex.status >= 500 else "yellow"
    text = Text(f"→ {ex.status}\n", style=f"bold {style}")
    body = ex.json
    if isinstance(body, dict):
        body = {k: short(v) if k.endswith("_token") else v for k, v in body.items()}
    text.append(json.dumps(body, ensure_ascii=False)[:400] if body is not None
                else ex.body[:200].decode(errors="replace"))
    challenge = ex.headers.get("WWW-Authenticate")
    if challenge:
        text.append(f"\nWWW-Authenticate: {challenge}", style="dim")
    return text


def claims_text(ex: Exchange) -> Text:
    """The token this step used or received, decoded (not verified), one claim a line."""
    token = ex.token
    try:
        header, payload = decode_unverified(token) if token else ({}, {})
    except ValueError:
        return Text("token: not a JWT", style="dim")
    if not isinstance(payload, dict) or not payload:
        return Text("(no token)", style="dim")
    text = Text(f"token header: {json.dumps(header)}\n", style="dim")
    iat = payload.get("iat")
    for key, value in payload.items():
        if key in ("exp", "nbf") and isinstance(iat, int) and isinstance(value, int):
            shown = f"iat {value - iat:+d} s"
        elif isinstance(value, str) and len(value) > 24:
            shown = short(value)
        else:
            shown = json.dumps(value)  # "sub": "8" (a string) vs "identity": 7 (an int)
        text.append(f"{key}: {shown}\n", style="cyan")
    return text


def app_panel(name: str, ex: Exchange | None) -> Panel:
    if ex is None:
        return Panel(Text("no equivalent in this library", style="dim italic"),
                     title=LIBRARY[name])
    return Panel(Group(request_text(ex), response_text(ex), Rule(style="dim"), claims_text(ex)),
                 title=LIBRARY[name])


def show_step(console: Console, number: int, sc: Scenario, result: dict[str, Exchange]) -> bool:
    got = {app: Outcome.of(ex) for app, ex in result.items()}
    expected = {app: sc.expected(app) for app in ("v1", "v2") if sc.expected(app)}
    verdict = observed_verdict(got, sc.verdict)
    as_declared = got == expected and verdict == sc.verdict
    console.print(Rule(f"[bold]Step {number}/{len(STORY)} · {sc.chapter} · {sc.title}"))
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    grid.add_row(app_panel("v1", result.get("v1")), app_panel("v2", result.get("v2")))
    console.print(grid)
    line = Text(f" {verdict} ", style=f"bold reverse {VERDICT_STYLE[verdict]}")
    if sc.reason:
        line.append(f"  {sc.reason}", style=VERDICT_STYLE[verdict])
    if not as_declared:
        line.append(f"  UNEXPECTED: declared {expected} {sc.verdict}", style="bold red")
    console.print(line)
    console.print(Text(f"Lesson: {sc.lesson}", style="bold"))
    return as_declared


def serve_forever(console: Console, servers: dict[str, AppServer]) -> None:
    console.print(Rule("[bold]Both apps keep running (Ctrl-C stops them)"))
    for name, server in servers.items():
        login = "/auth" if name == "v1" else "/login"
        prefix = "JWT" if name == "v1" else "Bearer"
        console.print(f"[bold]{LIBRARY[name]}[/] at {server.base_url}", highlight=False)
        console.print(
            f"  TOKEN=$(curl -s -X POST {server.base_url}{login} "
            "-H 'Content-Type: application/json' "
            f"-d '{{\"username\": \"demo-admin\", \"password\": \"{PASSWORD}\"}}' "
            "| python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')\n"
            f"  curl -s {server.base_url}/items -H \"Authorization: {prefix} $TOKEN\"",
            highlight=False, soft_wrap=True)
    import time

    while True:
        time.sleep(3600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.demo", description=__doc__)
    parser.add_argument("--step", action="store_true", help="wait for Enter between steps")
    parser.add_argument("--serve", action="store_true", help="keep both apps running after")
    parser.add_argument("--cutover", action="store_true", help="the cut-over story instead")
    args = parser.parse_args(argv)
    if args.cutover:
        from sidebyside.cutover import main as cutover

        return cutover()
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    console = Console(width=None if sys.stdout.isatty() else 140)
    all_as_declared = True
    try:
        with tempfile.TemporaryDirectory() as tmp, running_apps(Path(tmp)) as servers:
            world = world_for(servers, Path(tmp))
            with world.store:  # closed on the way out, whatever happens
                console.print(Panel.fit(
                    "\n".join(f"{LIBRARY[n]}: {s.base_url}  (pid {s.pid})"
                              for n, s in servers.items())
                    + f"\nshared store: {world.store.url}",
                    title="Both apps, one store", border_style="bold"), highlight=False)
                for name, client in world.clients.items():  # the cast: an admin and a user
                    who = "demo-admin" if name == "v1" else "demo-user"
                    client.register(who, PASSWORD)
                world.store.set_admin("demo-admin", True)
                console.print("demo-admin (registered on v1, made admin with "
                              "`python -m shared admin grant demo-admin`) and demo-user "
                              "(registered on v2) are in the shared store.\n")
                for number, sc in enumerate(STORY, 1):
                    all_as_declared &= show_step(console, number, sc, run(world, sc))
                    if args.step and interactive and number < len(STORY):
                        input("Enter for the next step… ")
                console.print(Rule("[bold]End of the story"))
                console.print(f"{len(STORY)} steps; the full matrix of {len(CATALOGUE)} "
                              "scenarios is in migration_notes.md (make parity-matrix).")
                if args.serve:
                    serve_forever(console, servers)
    except KeyboardInterrupt:
        console.print("\nstopped; both servers are down.")
        return 130
    return 0 if all_as_declared else 1


if __name__ == "__main__":
    sys.exit(main())
