"""How the demo shows one step: both requests and answers side by side, the setup requests
that led there (one line each), the token claims that matter, the verdict and the lesson.

Compact by default, so that a step fits 25 rows at 100 columns (a projector); bodies and
messages are wrapped, never cut (the point of a step is never behind an ellipsis). `--claims
full` shows every claim and the WWW-Authenticate challenge; `raw_view` the whole HTTP of a
step, with the curl line that reproduces it.

Colours have one meaning in every demo (named styles, so that DEMO_THEME=light can pick
shades a light background keeps readable): `ok` a success, `refused` a 4xx refusal, `failed`
a 5xx; verdicts and claims have colours of their own that no answer uses."""

import json
import os
import shlex
import time
from http import HTTPStatus

from rich.console import Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from sidebyside.clients import Exchange
from sidebyside.scenarios import Outcome, Scenario, observed_verdict
from sidebyside.tokens import decode_unverified

LIBRARY = {"v1": "v1 · Flask-JWT 0.3.2", "v2": "v2 · Flask-JWT-Extended 4.7"}
THEMES = {
    "dark": Theme({"ok": "bold green", "refused": "bold yellow", "failed": "bold red",
                   "note": "dim", "claims": "cyan", "same": "bold reverse",
                   "differs": "bold reverse magenta", "only": "bold reverse blue",
                   "reason": "magenta",
                   "unexpected": "bold white on red", "hint": "bold"}),
    # Yellow and dim wash out on a light background: darker shades, no dim.
    "light": Theme({"ok": "bold green4", "refused": "bold dark_orange3", "failed": "bold red3",
                    "note": "grey35", "claims": "dodger_blue3", "same": "bold reverse",
                    "differs": "bold reverse dark_magenta", "only": "bold reverse blue3",
                    "reason": "dark_magenta", "unexpected": "bold white on red3",
                    "hint": "bold"}),
}
VERDICT_STYLE = {"same": "same", "differs": "differs", "v2_only": "only", "v1_only": "only"}
# The claims a learner compares; the rest (jti, csrf, refresh_jti, nbf, iat) with --claims full.
KEY_CLAIMS = ("identity", "sub", "type", "fresh", "is_admin", "exp")


def theme(name: str | None = None) -> Theme:
    """DEMO_THEME=light or dark; unset, the terminal's own word when it gives one (COLORFGBG,
    "foreground;background", set by rxvt, Konsole and others: a background of 7 or 15 is
    light), else dark. An unknown name falls back to dark."""
    chosen = name or os.environ.get("DEMO_THEME")
    if not chosen:
        background = os.environ.get("COLORFGBG", "").rpartition(";")[2]
        chosen = "light" if background in ("7", "15") else "dark"
    return THEMES.get(chosen.lower(), THEMES["dark"])


def status_style(status: int) -> str:
    """The one colour meaning of every demo: success, refusal (4xx) or failure (5xx).
    (A theme's style name must stand alone: Rich reads "bold ok" as no style at all.)"""
    return "ok" if status < 400 else "failed" if status >= 500 else "refused"


def short(token: str) -> str:
    return f"{token[:12]}…{token[-6:]}" if len(token) > 24 else token


def duration(seconds: int) -> str:
    """14 min 55 s, 5 s, 30 days: as a person reads a token's time."""
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min" + (f" {rest} s" if rest else "")
    if seconds < 2 * 86400:
        hours, rest = divmod(seconds, 3600)
        return f"{hours} h" + (f" {rest // 60} min" if rest // 60 else "")
    return f"{round(seconds / 86400)} days"


def time_claim(key: str, value: float, now: float) -> str:
    """exp as time left (or since when expired), iat/nbf as how long ago (or how far ahead)."""
    delta = int(value - now)  # toward zero, as a countdown shows it: 14 min 59 s left
    if key == "exp":
        return f"{duration(delta)} left" if delta >= 0 else f"expired {duration(-delta)} ago"
    return f"{duration(-delta)} ago" if delta <= 0 else f"in {duration(delta)}"


def request_text(ex: Exchange) -> Text:
    text = Text(f"{ex.method} {ex.path}\n", style="bold")
    for name, value in ex.request_headers.items():
        if name == "Authorization":
            scheme, _, token = value.partition(" ")
            text.append(f"{name}: {scheme} {short(token)}\n" if token else f"{name}: {value!r}\n",
                        style="note")
    if ex.request_body:
        text.append(ex.request_body + "\n")
    return text


def response_text(ex: Exchange, full: bool) -> Text:
    text = Text(f"→ {ex.status} ", style=status_style(ex.status))
    body = ex.json
    if isinstance(body, dict):
        body = {k: short(v) if k.endswith("_token") and isinstance(v, str) else v
                for k, v in body.items()}
    text.append(json.dumps(body, ensure_ascii=False) if body is not None
                else ex.body.decode(errors="replace"))
    challenge = ex.headers.get("WWW-Authenticate")
    if challenge and full:
        text.append(f"\nWWW-Authenticate: {challenge}", style="note")
    return text


def claims_text(ex: Exchange, full: bool, now: float | None = None) -> Text:
    """The token this step used or received, decoded (not verified); times as time left."""
    token, now = ex.token, time.time() if now is None else now
    try:
        header, payload = decode_unverified(token) if token else ({}, {})
    except ValueError:
        return Text("token: not a JWT", style="note")
    if not isinstance(payload, dict) or not payload:
        return Text("(no token)", style="note")
    parts = []
    for key, value in payload.items():
        if not full and key not in KEY_CLAIMS:
            continue
        if key in ("exp", "nbf", "iat") and isinstance(value, int | float):
            shown = time_claim(key, value, now)
        elif isinstance(value, str) and len(value) > 24:
            shown = short(value)
        else:
            shown = json.dumps(value)  # "sub": "8" (a string) vs "identity": 7 (an int)
        parts.append(f"{key}: {shown}")
    text = Text(f"token header: {json.dumps(header)}\n", style="note") if full else Text()
    text.append(("\n" if full else "   ").join(parts), style="claims")
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
        text.append(f"  setup: {line}" + (f" x{times}" if times > 1 else "") + "\n", style="note")
    return text


def app_panel(name: str, ex: Exchange | None, setup: list[Exchange], full: bool,
              quiz: bool = False) -> Panel:
    if ex is None:
        return Panel(Text("no equivalent in this library", style="note"),
                     title=LIBRARY[name])
    answer = Text(f"→ ? what does {name} answer?", style="bold") if quiz \
        else response_text(ex, full)
    parts = [setup_lines(setup), request_text(ex), answer]
    for part in parts:
        part.rstrip()
    body: list = [part for part in parts if part.plain]
    if not quiz:
        body += [Rule(style="note"), claims_text(ex, full)]
    return Panel(Group(*body), title=LIBRARY[name])


def curl_line(ex: Exchange, base_url: str) -> str:
    """The shell line that sends this exact request again."""
    words = ["curl", "-i"] + (["-X", ex.method] if ex.method != "GET" else [])
    words.append(base_url + ex.path)
    for name, value in ex.request_headers.items():
        words += ["-H", f"{name}: {value}"]
    if ex.request_body is not None:
        words += ["--data-raw", ex.request_body]
    return " ".join(shlex.quote(word) for word in words)


def raw_text(ex: Exchange, base_url: str) -> Text:
    """The whole exchange as it went over the wire (headers included), then its curl line."""
    host = base_url.split("//", 1)[-1]
    text = Text(f"{ex.method} {ex.path} HTTP/1.1\n", style="bold")
    # What http.client adds to the headers we set: Host, Accept-Encoding, Content-Length.
    sent = {"Host": host, "Accept-Encoding": "identity", **ex.request_headers}
    if ex.request_body is not None:
        sent["Content-Length"] = str(len(ex.request_body.encode()))
    for name, value in sent.items():
        text.append(f"{name}: {value}\n")
    text.append(f"\n{ex.request_body}\n" if ex.request_body else "\n")
    try:
        reason = f" {HTTPStatus(ex.status).phrase}"
    except ValueError:  # a status with no standard phrase keeps none
        reason = ""
    text.append(f"HTTP/1.1 {ex.status}{reason}\n", style=status_style(ex.status))
    for name, value in ex.headers.items():
        text.append(f"{name}: {value}\n", style="note")
    text.append("\n" + ex.body.decode(errors="replace").rstrip() + "\n\n")
    text.append("$ " + curl_line(ex, base_url), style="claims")
    return text


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
              setups: dict[str, list[Exchange]], full: bool = False, quiz: bool = False,
              raw: dict[str, str] | None = None) -> tuple[Group, bool]:
    """The step as one renderable, and whether both apps answered as declared.

    quiz: the requests only, each answer a question (the verdict and lesson held back);
    raw: {app: base URL} shows each exchange whole, one under the other, with its curl line."""
    verdict, mismatches = checked(sc, result)
    as_declared = not mismatches
    title = Text(f"Step {number}/{total} · {sc.chapter} · {sc.title}", style="bold")
    if raw is not None:
        panels = [Panel(raw_text(result[app], raw[app]), title=f"{LIBRARY[app]} · raw HTTP")
                  for app in ("v1", "v2") if app in result]
        return Group(Rule(style="note"), title, *panels), as_declared
    grid = Table.grid(expand=True, padding=(0, 1))
    grid.add_column(ratio=1)
    grid.add_column(ratio=1)
    grid.add_row(*(app_panel(app, result.get(app), setups.get(app, []), full, quiz)
                   for app in ("v1", "v2")))
    if quiz:
        ask = Text("Which app answers what? Same answer, or does the migration show here?",
                   style="hint")
        return Group(Rule(style="note"), title, grid, ask), as_declared
    line = Text(f" {verdict} ", style=VERDICT_STYLE[verdict])
    if sc.reason:
        line.append(f"  {sc.reason}", style="reason")
    if not as_declared:
        line.append(f"  UNEXPECTED: {'; '.join(mismatches)}", style="unexpected")
    # A rule, then the title on its own line: a long title wraps instead of being cut.
    return Group(Rule(style="note"), title, grid, line,
                 Text(f"Lesson: {sc.lesson}", style="bold")), as_declared
