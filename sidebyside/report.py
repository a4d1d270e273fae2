"""make report: one self-contained HTML page of a fresh parity run (no network, no files
beside it): every scenario with both exchanges side by side, filterable by verdict and topic,
and pictures of each stack's token lifetimes and login → use → refresh → logout sequence.

python -m sidebyside.report [--out PATH]   (the last line printed is the page's path)
"""

import argparse
import html
import json
import sys
import tempfile
import time
from pathlib import Path

from sidebyside.clients import Exchange
from sidebyside.demo import STORY, play
from sidebyside.matrix import world_for
from sidebyside.render import LIBRARY, checked, short, time_claim
from sidebyside.report_assets import LIFETIMES_SVG, PAGE, sequence_svg
from sidebyside.scenarios import CATALOGUE, CHAPTERS, Scenario
from sidebyside.screenshots import page_screenshots
from sidebyside.servers import REPO, running_apps
from sidebyside.tokens import decode_unverified

DEFAULT_OUT = REPO / "instance" / "report.html"


def claim_html(key: str, value: object, now: float) -> str:
    """A claim; its times as they stood at the request (the page outlives the tokens)."""
    if key in ("exp", "iat", "nbf") and isinstance(value, int | float):
        return (f"<span title='{html.escape(json.dumps(value))}'>{html.escape(key)}: "
                f"{html.escape(time_claim(key, value, now))}</span>")
    return f"<span>{html.escape(key)}: {html.escape(json.dumps(value))}</span>"


def exchange_html(ex: Exchange | None, now: float | None = None) -> str:
    if ex is None:
        return '<div class="ex none">no equivalent in this library</div>'
    headers = "".join(
        f"<div class='h'>{html.escape(k)}: {html.escape(v if k != 'Authorization' else short(v))}"
        "</div>" for k, v in ex.request_headers.items())
    body = json.dumps(ex.json, ensure_ascii=False) if ex.json is not None else ex.body.decode(
        errors="replace")
    try:
        _, claims = decode_unverified(ex.token) if ex.token else ({}, {})
    except ValueError:
        claims = {}
    now = time.time() if now is None else now
    claims_html = "".join(claim_html(k, v, now) for k, v in (claims or {}).items()) \
        or "<span>(no token)</span>"
    status = "ok" if ex.status < 400 else "err"
    return (f"<div class='ex'><div class='req'>{html.escape(ex.method)} "
            f"{html.escape(ex.path)}</div>{headers}"
            f"<div class='req-body'>{html.escape(ex.request_body or '')[:200]}</div>"
            f"<div class='status {status}'>→ {ex.status}</div>"
            f"<pre class='body'>{html.escape(body)[:600]}</pre>"
            f"<div class='claims'>{claims_html}</div></div>")


def scenario_html(number: int | None, sc: Scenario, result: dict[str, Exchange],
                  now: float | None = None) -> str:
    """One scenario; `number` is its step in make demo (None: a scenario the demo leaves out),
    and its anchor: report.html#step-18 opens on the demo's step 18."""
    verdict, mismatches = checked(sc, result)
    anchor = f"step-{number}" if number else sc.key
    label = f"Step {number}" if number else "more"
    return (f"<section class='scenario' id='{anchor}' data-key='{sc.key}' "
            f"data-verdict='{verdict}' data-topic='{html.escape(sc.chapter)}'>"
            f"<h3><a class='anchor' href='#{anchor}'>{label}</a> · {html.escape(sc.title)} "
            f"<span class='badge {verdict}'>{verdict}"
            f"</span> <span class='topic'>{html.escape(sc.chapter)}</span></h3>"
            + (f"<p class='unexpected'>UNEXPECTED: {html.escape('; '.join(mismatches))}</p>"
               if mismatches else "")
            + (f"<p class='reason'>{html.escape(sc.reason)}</p>" if sc.reason else "")
            + "<div class='pair'>"
            + "".join(f"<div><h4>{LIBRARY[app]}</h4>{exchange_html(result.get(app), now)}</div>"
                      for app in ("v1", "v2"))
            + "</div>"
            + (f"<p class='lesson'>Lesson: {html.escape(sc.lesson)}</p>" if sc.lesson else "")
            + "</section>")


def pages_html(shots: dict[str, str]) -> str:
    """Each app's page at /app after a login, an item and the "injected script"."""
    if not shots:
        return "<p>(no chromium here: the pages' pictures need it)</p>"
    captions = {"v1": "the token in localStorage: the script reads it whole",
                "v2": "the tokens in httpOnly cookies: the script sees none, yet still writes"}
    return "<div class='pair'>" + "".join(
        f"<figure><h4>{LIBRARY[app]}</h4><img alt='the {app} page at /app' style='max-width:"
        f"100%' src='data:image/png;base64,{shot}'><figcaption>{captions[app]}</figcaption>"
        "</figure>" for app, shot in shots.items()) + "</div>"


def build(out: Path) -> Path:
    with tempfile.TemporaryDirectory() as tmp, running_apps(Path(tmp)) as servers:
        world = world_for(servers, Path(tmp))
        with world.store:
            steps = {sc.key: n for n, sc in enumerate(STORY, 1)}  # numbered as in make demo
            sections = [scenario_html(steps.get(sc.key), sc, play(world, sc)[0], time.time())
                        for sc in CATALOGUE]
        shots = page_screenshots(servers)
    topics = "".join(f"<option>{html.escape(c)}</option>" for c in CHAPTERS)
    page = (PAGE.replace("{{TOPICS}}", topics)
            .replace("{{COUNT}}", str(len(CATALOGUE)))
            .replace("{{LIFETIMES}}", LIFETIMES_SVG)
            .replace("{{SEQUENCE_V1}}", sequence_svg("v1"))
            .replace("{{SEQUENCE_V2}}", sequence_svg("v2"))
            .replace("{{PAGES}}", pages_html(shots))
            .replace("{{SCENARIOS}}", "\n".join(sections)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.report", description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    path = build(args.out.resolve())
    print(f"{len(CATALOGUE)} scenarios, {path.stat().st_size // 1024} KiB")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
