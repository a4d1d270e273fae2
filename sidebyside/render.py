"""How the demo shows one step: both requests and answers side by side, the setup requests
that led there (one line each), the token claims that matter, the verdict and the lesson.

Compact by default, so that every step fits 25 rows at 100 columns (a projector);
`--claims full` shows every claim and the WWW-Authenticate challenge."""

import json

from rich.console import Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from sidebyside.clients import Exchange
from sidebyside.scenarios import Outcome, Scenario, observed_verdict
from sidebyside.tokens import decode_unverified

LIBRARY = {"v1": "v1 · Flask-JWT 0.3.2", "v2": "v2 · Flask-JWT-Extended 4.7"}
VERDICT_STYLE = {"same": "green", "differs": "yellow", "v2_only": "cyan", "v1_only": "cyan"}
# The claims a learner compares; the rest (jti, csrf, refresh_jti, nbf, iat) with --claims full.
KEY_CLAIMS = ("identity", "sub", "type", "fresh", "is_admin", "exp")


def short(token: str) -> str:
    return f"{token[:12]}…{token[-6:]}" if len(token) > 24 else token


def request_text(ex: Exchange) -> Text:
    text = Text(f"{ex.method} {ex.path}\n", style="bold")
    for name, value in ex.request_headers.items():
        if name == "Authorization":
            scheme, _, token = value.partition(" ")
            text.append(f"{name}: {scheme} {short(token)}\n" if token else f"{name}: {value!r}\n",
                        style="dim")
    if ex.request_body:
        body = ex.request_body
        text.append((body if len(body) <= 40 else body[:39] + "…") + "\n")
    return text


def response_text(ex: Exchange, full: bool) -> Text:
    style = "green" if ex.status < 400 else "red" if ex.status >= 500 else "yellow"
    text = Text(f"→ {ex.status} ", style=f"bold {style}")
    body = ex.json
    if isinstance(body, dict):
        body = {k: short(v) if k.endswith("_token") else v for k, v in body.items()}
    shown = json.dumps(body, ensure_ascii=False) if body is not None else ex.body.decode(
        errors="replace")
    text.append(shown if full else shown[:80] + ("…" if len(shown) > 80 else ""))
    challenge = ex.headers.get("WWW-Authenticate")
    if challenge and full:
        text.append(f"\nWWW-Authenticate: {challenge}", style="dim")
    return text


def claims_text(ex: Exchange, full: bool) -> Text:
    """The token this step used or received, decoded (not verified)."""
    token = ex.token
    try:
        header, payload = decode_unverified(token) if token else ({}, {})
    except ValueError:
        return Text("token: not a JWT", style="dim")
    if not isinstance(payload, dict) or not payload:
        return Text("(no token)", style="dim")
    start = payload.get("nbf", payload.get("iat"))
    parts = []
    for key, value in payload.items():
        if not full and key not in KEY_CLAIMS:
            continue
        if key in ("exp", "nbf") and isinstance(start, int | float) and key != "nbf":
            shown = f"+{int(value - start)} s"
        elif isinstance(value, str) and len(value) > 24:
            shown = short(value)
        else:
            shown = json.dumps(value)  # "sub": "8" (a string) vs "identity": 7 (an int)
        parts.append(f"{key}: {shown}")
    text = Text(f"token header: {json.dumps(header)}\n", style="dim") if full else Text()
    text.append(("\n" if full else "   ").join(parts), style="cyan")
    return text


def setup_lines(history: list[Exchange]) -> Text:
    """The requests before the one that matters, one line each, repeats folded ("x10")."""
    text, folded = Text(), list[tuple[str, int]]()
    for ex in history:
        line = f"{ex.method} {ex.path} → {ex.status}"
        if folded and folded[-1][0] == line:
            folded[-1] = (line, folded[-1][1] + 1)
        else:
            folded.append((line, 1))
    for line, times in folded:
        text.append(f"  setup: {line}" + (f" x{times}" if times > 1 else "") + "\n", style="dim")
    return text


def app_panel(name: str, ex: Exchange | None, setup: list[Exchange], full: bool) -> Panel:
    if ex is None:
        return Panel(Text("no equivalent in this library", style="dim italic"),
                     title=LIBRARY[name])
    parts = [setup_lines(setup), request_text(ex), response_text(ex, full)]
    for part in parts:
        part.rstrip()
    body = [part for part in parts if part.plain]
    return Panel(Group(*body, Rule(style="dim"), claims_text(ex, full)), title=LIBRARY[name])


def checked(sc: Scenario, result: dict[str, Exchange]) -> tuple[str, list[str]]:
    """The observed verdict, and how the answers differ from what the scenario declares.

    Each app against its own declared outcome: a step whose answers both changed keeps its
    verdict ("same" stays "same"), and must be flagged all the same."""
    got = {app: Outcome.of(ex) for app, ex in result.items()}
    verdict = observed_verdict(got, sc.verdict)
    mismatches = [f"{app} answered {got.get(app)}, declared {want}"
                  for app in ("v1", "v2") if (want := sc.expected(app)) and got.get(app) != want]
    if verdict != sc.verdict:
        mismatches.append(f"verdict {verdict}, declared {sc.verdict}")
    return verdict, mismatches


def step_view(number: int, total: int, sc: Scenario, result: dict[str, Exchange],
              setups: dict[str, list[Exchange]], full: bool = False) -> tuple[Group, bool]:
    """The step as one renderable, and whether both apps answered as declared."""
    verdict, mismatches = checked(sc, result)
    as_declared = not mismatches
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    grid.add_row(*(app_panel(app, result.get(app), setups.get(app, []), full)
                   for app in ("v1", "v2")))
    line = Text(f" {verdict} ", style=f"bold reverse {VERDICT_STYLE[verdict]}")
    if sc.reason:
        line.append(f"  {sc.reason}", style=VERDICT_STYLE[verdict])
    if not as_declared:
        line.append(f"  UNEXPECTED: {'; '.join(mismatches)}", style="bold red")
    # A rule, then the title on its own line: a long title wraps instead of being cut.
    title = Text(f"Step {number}/{total} · {sc.chapter} · {sc.title}", style="bold")
    return Group(Rule(style="dim"), title, grid, line,
                 Text(f"Lesson: {sc.lesson}", style="bold")), as_declared
