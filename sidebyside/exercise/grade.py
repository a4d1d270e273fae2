"""make grade [EXERCISE_DIR=exercise] [GRADE_ARGS=...]: grade a learner's migration.

The learner's package (`my_api`, found in EXERCISE_DIR or one folder below) is served as a
real server in .venv-v2, in v2's role beside the reference v1 on one fresh store, and the v2
side of every scenario of the parity catalogue is acted on it. A test passes when the answer
is the one the catalogue declares for v2 (status and error code), in JSON, errors in the
contract's shape. `--hidden` adds the held-out cases (hidden.py), the account-safety chapter
and every visible scenario again with names, ids and order drawn for this run.

Writes results.json (Gradescope), junit.xml, and GitHub Classroom's step output; exits 0
only at full marks.
"""

import argparse
import json
import random
import re
import secrets
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sidebyside.clients import Exchange, client_for
from sidebyside.exercise import PACKAGE, notes_section
from sidebyside.exercise.hidden import HIDDEN
from sidebyside.exercise.results import write_all
from sidebyside.scenarios import CATALOGUE, CHAPTERS, Outcome, Scenario, World
from sidebyside.servers import REPO, ServerDidNotStart, running_apps

# Chapters graded only under --hidden (with hidden.py's cases).
HIDDEN_CHAPTERS = {"account safety"}
# As in the parity suite (tests/live.py): scenarios send failed logins from 127.0.0.1 on
# purpose; the per-address cap across accounts would end the run early.
SERVER_ENV = {"LOGIN_MAX_FAILURES_PER_CLIENT": "100000"}
WIDTH = 100


@dataclass(frozen=True)
class Case:
    scenario: Scenario
    visibility: str  # Gradescope's: "visible", or "after_due_date" for held-out cases
    drawn: bool = False  # a visible scenario again, with this run's names

    @property
    def chapter(self) -> str:
        return self.scenario.chapter

    @property
    def title(self) -> str:
        return self.scenario.title + (" (drawn afresh)" if self.drawn else "")

    @property
    def points(self) -> int:
        return self.scenario.points


@dataclass
class Graded:
    case: Case
    number: str
    passed: bool
    problem: str  # why it was lost ("" when passed)
    sent: Exchange | None
    seconds: float

    @property
    def score(self) -> int:
        return self.case.points if self.passed else 0

    @property
    def visibility(self) -> str:
        return self.case.visibility

    def explanation(self) -> str:
        """What a learner reads for a lost test: what was sent, expected vs received, the
        lesson as the hint, and where to read."""
        if self.passed:
            return "passed"
        lines = []
        if self.sent is not None:
            lines.append(f"sent:     {describe_request(self.sent)}")
        lines.append(f"expected: {self.case.scenario.v2}")
        lines.append(f"received: {self.problem}")
        lines.append(f"hint:     {self.case.scenario.hint}")
        lines.append(f"read:     {notes_section(self.case.chapter)}")
        return "\n".join(lines)


class NotGradable(Exception):
    """The learner's app cannot be graded (not found, did not start): score 0, a message."""


def describe_request(exchange: Exchange) -> str:
    auth = exchange.request_headers.get("Authorization")
    shown = f"{exchange.method} {exchange.path}"
    if auth:
        scheme, _, token = auth.partition(" ")
        shown += f"  Authorization: {scheme} {token[:12]}…" if token else f"  {auth!r}"
    if exchange.request_body:
        shown += f"  {exchange.request_body[:80]}"
    return shown


def received(exchange: Exchange) -> str:
    body = " ".join(exchange.body[:200].decode(errors="replace").split())
    return f"{Outcome.of(exchange)}  {body}"


# Flask-JWT-Extended's own answers ({"msg": ...}) until the error callbacks are written, and
# the codes they stand for: chapters before "error callbacks" grade what happened, not the
# body's shape, which is that chapter's lesson (graded there, strictly).
LIBRARY_DEFAULTS = [
    ("Token has expired", Outcome(401, "token_expired")),
    ("Fresh token required", Outcome(401, "fresh_token_required")),
    ("Token has been revoked", Outcome(401, "token_revoked")),
    ("Error loading the user", Outcome(401, "user_not_found")),
    ("Missing CSRF token", Outcome(403, "csrf_token_missing")),
    ("CSRF double submit tokens do not match", Outcome(403, "csrf_token_mismatch")),
    ("Missing ", Outcome(401, "authorization_required")),
    ("Bad Authorization header", Outcome(401, "authorization_required")),
]


def library_default(exchange: Exchange) -> Outcome | None:
    """The contract's outcome a Flask-JWT-Extended default answer stands for, if it is one."""
    body = exchange.json
    if not (isinstance(body, dict) and set(body) == {"msg"} and isinstance(body["msg"], str)):
        return None
    if exchange.status == 422:  # the library's invalid-token status
        return Outcome(401, "invalid_token")
    return next((outcome for start, outcome in LIBRARY_DEFAULTS
                 if body["msg"].startswith(start)), None)


def judge(sc: Scenario, exchange: Exchange) -> str:
    """Why this answer is not the declared one ("" if it is)."""
    if sc.chapter != "error callbacks" and library_default(exchange) == sc.v2:
        return ""  # right, in the library's words: the error callbacks chapter shapes them
    if Outcome.of(exchange) != sc.v2:
        return received(exchange)
    if not exchange.headers.get("Content-Type", "").startswith("application/json"):
        return f"{exchange.status}, but not JSON: {received(exchange)}"
    if exchange.status >= 400 and (not isinstance(exchange.json, dict)
                                   or set(exchange.json) != {"message", "error"}):
        return (f"{exchange.status}, but an error body must be "
                f'{{"message": ..., "error": ...}}: {received(exchange)}')
    return ""


EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Warning)\b.*")


def server_error(log: str) -> str:
    """The last exception line of the server's log: what a 500 hides from the client."""
    found = [line for line in log.splitlines() if EXCEPTION_LINE.match(line)]
    return f" (your server's log: {found[-1][:120]})" if found else ""


def grade_case(world: World, case: Case, number: str, log: Callable[[], str]) -> Graded:
    me = world.clients["v2"]
    before = len(me.history)
    started = time.monotonic()
    exchange: Exchange | None
    try:
        exchange = case.scenario.act(world, me)
        problem = judge(case.scenario, exchange)
    except Exception as e:  # the scenario's setup failed on the learner's app: a lost test
        exchange = me.history[-1] if len(me.history) > before else None
        why = f"the answer had no {e}" if isinstance(e, KeyError) else str(e)
        problem = f"the test could not get this far: {' '.join(why.split())[:200]}"
    if problem and exchange is not None and exchange.status >= 500:
        problem += server_error(log())
    return Graded(case, number, not problem, problem, exchange, time.monotonic() - started)


def visible_cases() -> list[Case]:
    return [Case(sc, "visible") for sc in CATALOGUE
            if sc.v2 is not None and sc.chapter not in HIDDEN_CHAPTERS]


def hidden_cases(rng: random.Random) -> list[Case]:
    cases = [Case(sc, "after_due_date") for sc in CATALOGUE
             if sc.v2 is not None and sc.chapter in HIDDEN_CHAPTERS]
    cases += [Case(sc, "after_due_date") for sc in HIDDEN]
    cases += [Case(c.scenario, "after_due_date", drawn=True) for c in visible_cases()]
    rng.shuffle(cases)
    return cases


def find_package(folder: Path, package: str) -> list[Path]:
    """The folders holding the learner's package: `folder` itself, or its subfolders (the
    exercise folder holds both starters)."""
    if (folder / package / "__init__.py").exists():
        return [folder]
    return sorted(p.parent.parent for p in folder.glob(f"*/{package}/__init__.py"))


def start_up_failure(log: str, package: str) -> str:
    """The first lines of the traceback, the learner's own frames first, and its last line."""
    lines = log.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Traceback")), None)
    if start is None:
        return "\n".join(lines[-8:])
    frames = lines[start:]
    own = [line for i, line in enumerate(frames)
           if f"/{package}/" in line or (i and f"/{package}/" in frames[i - 1])]
    last = [line for line in frames if re.match(r"^[\w.]+(Error|Exception|Exit)\b", line)]
    return "\n".join([frames[0], *own[:10], *(last[-1:] or frames[-1:])])


def progress(text: str, end: str = "\n") -> None:
    print(text, end=end, file=sys.stderr, flush=True)


def run_cases(folder: Path, package: str, hidden: bool, seed: int, time_box: float,
              workdir: Path) -> tuple[list[Graded], list[Exchange]]:
    """Every case against the learner's app; the grades, and every exchange it saw."""
    rng = random.Random(seed)
    cases = visible_cases() + (hidden_cases(rng) if hidden else [])
    progress(f"Starting the reference v1 and your {package} ({folder.name}/)…", end=" ")
    started = time.monotonic()
    # The learner's app sees its own folder and the course's shared/ and api_common/, never
    # the reference apps (a submission that imports v2_jwt_extended does not start).
    library = workdir / "library"
    library.mkdir()
    for needed in ("shared", "api_common"):
        (library / needed).symlink_to(REPO / needed)
    stand_in = (package, f"{folder.resolve()}:{library}", folder.resolve())
    try:
        with running_apps(workdir, SERVER_ENV, stand_ins={"v2": stand_in}) as servers:
            progress(f"ready in {time.monotonic() - started:.1f} s")
            clients = {name: client_for(name, s.base_url, s.secret) for name, s in servers.items()}
            from shared import Store

            with Store(servers["v1"].env["DATABASE_URL"]) as store:
                learner_log = servers["v2"].log
                graded = list(run_all(cases, clients, store, rng, hidden, time_box,
                                      lambda: learner_log(last_lines=200)))
                return graded, clients["v2"].history
    except ServerDidNotStart as e:
        if e.name != "v2":
            raise
        progress("")
        if " not ready after " in str(e):
            raise NotGradable(f"Your app did not answer: `python -m {package}` ran, but GET "
                              "/items got no answer in 30 s. It must serve HOST:PORT from the "
                              "environment (api_common.serve does, as the starter's __main__ "
                              "does). What it printed:\n\n"
                              + (start_up_failure(str(e), package).split(":", 1)[-1].strip()
                                 or "(nothing)")) from None
        raise NotGradable(f"Your app did not start: `python -m {package}` stopped with\n\n"
                          + start_up_failure(str(e), package)) from None


def run_all(cases: list[Case], clients: dict, store, rng: random.Random, hidden: bool,
            time_box: float, log: Callable[[], str]) -> Iterator[Graded]:
    visible_world = World(clients, store, run_id="g")
    # Held-out draws: other names, and ids shifted by a few accounts nobody uses.
    drawn_world = World(clients, store, run_id=f"h{rng.randrange(16**6):06x}")
    if hidden:
        for i in range(rng.randrange(1, 8)):
            store.register(f"filler{drawn_world.run_id}{i}", secrets.token_hex(8))
    deadline = time.monotonic() + time_box
    progress(f"Running {len(cases)} tests ", end="")
    for case, number in zip(cases, numbers(cases), strict=True):
        if time.monotonic() > deadline:
            yield Graded(case, number, False, f"not run: the time box ({time_box:.0f} s) ended",
                         None, 0.0)
            continue
        world = drawn_world if case.visibility != "visible" else visible_world
        graded = grade_case(world, case, number, log)
        progress("." if graded.passed else "x", end="")
        yield graded
    progress("")


def numbers(cases: list[Case]) -> list[str]:
    """`<chapter>.<n>`: the chapter's number in teaching order, the case's place in it."""
    seen: dict[str, int] = {}
    out = []
    for case in cases:
        seen[case.chapter] = seen.get(case.chapter, 0) + 1
        out.append(f"{CHAPTERS.index(case.chapter) + 1}.{seen[case.chapter]}")
    return out


def score_table(graded: list[Graded]) -> list[str]:
    lines = [f"{'chapter':<18} {'tests':>9} {'points':>9}  {'':<20}",
             "-" * 60]
    for chapter in CHAPTERS:
        mine = [g for g in graded if g.case.chapter == chapter]
        if not mine:
            continue
        lines.append(row(chapter, mine))
    lines.append("-" * 60)
    lines.append(row("total", graded))
    return lines


def row(label: str, graded: list[Graded]) -> str:
    won, total = sum(g.score for g in graded), sum(g.case.points for g in graded)
    passed = sum(g.passed for g in graded)
    bar = "#" * round(20 * won / total) + "." * (20 - round(20 * won / total))
    return f"{label:<18} {passed:>4}/{len(graded):<4} {won:>4}/{total:<4}  {bar}"


def report(graded: list[Graded], package: str, folder: Path, hidden: bool, seed: int) -> str:
    won, total = sum(g.score for g in graded), sum(g.case.points for g in graded)
    heading = f"Grading {package} in {folder.name}/ · {len(graded)} tests"
    heading += f" · hidden cases drawn with --seed {seed}" if hidden else " · visible tests"
    lines = [heading, "", *score_table(graded), ""]
    lost = [g for g in graded if not g.passed]
    for g in lost:
        hidden_note = "  [hidden]" if g.visibility != "visible" else ""
        lines += textwrap.wrap(f"LOST {g.number} {g.case.chapter} · {g.case.title}{hidden_note}",
                               WIDTH, subsequent_indent=" " * 5)
        # Wrapped, never cut: the hint is the point of a lost test.
        lines += [wrapped for line in g.explanation().splitlines()
                  for wrapped in textwrap.wrap(line, WIDTH, initial_indent=" " * 5,
                                               subsequent_indent=" " * 15)]
        lines.append("")
    if lost:
        first = min(lost, key=lambda g: CHAPTERS.index(g.case.chapter)).case.chapter
        lines += textwrap.wrap(f"Start with the first chapter you lost ({first}): later "
                               "chapters log in, refresh and read tokens, so they fail with it.",
                               WIDTH)
    else:
        lines.append("Full marks.")
    lines.append(f"Points {won}/{total}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, nargs="?", default=Path("exercise"),
                        help="the exercise folder, or one starter in it (default: exercise)")
    parser.add_argument("--package", default=PACKAGE, help=f"default: {PACKAGE}")
    parser.add_argument("--hidden", action="store_true",
                        help="add the held-out cases (instructors)")
    parser.add_argument("--seed", type=int, help="draw the held-out cases reproducibly")
    parser.add_argument("--time-box", type=float, default=600.0, metavar="SECONDS")
    parser.add_argument("--record", type=Path, metavar="FILE", help="write every request "
                        "sent to the app and its answer, as JSON (to see what a test saw)")
    parser.add_argument("--out", type=Path, help="where results.json and junit.xml go "
                        "(default: the graded folder)")
    args = parser.parse_args(argv)
    folders = find_package(args.folder, args.package) if args.folder.is_dir() else []
    if not folders:
        print(f"No package {args.package}/ in {args.folder}/ or a folder below it: run "
              "`make exercise` first, or name your folder with EXERCISE_DIR=...", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else secrets.randbelow(10**6)
    full_marks = True
    for folder in folders:
        # Several starters graded at once: each its own files.
        out = (args.out / folder.name if len(folders) > 1 else args.out) if args.out else folder
        try:
            with tempfile.TemporaryDirectory() as tmp:
                graded, exchanges = run_cases(folder, args.package, args.hidden, seed,
                                              args.time_box, Path(tmp))
        except NotGradable as e:
            print(f"{e}\n\nScore 0: fix this first, then run `make grade` again.")
            graded, summary = [], str(e)
            write_all(not_run(str(e), args.hidden, seed), out, args.package, summary)
            full_marks = False
            continue
        if args.record:
            args.record.write_text(json.dumps(
                [{"method": x.method, "path": x.path, "status": x.status,
                  "body": x.body.decode(errors="replace"), "set_cookies": x.set_cookies}
                 for x in exchanges], indent=1))
        text = report(graded, args.package, folder, args.hidden, seed)
        print(text)
        # What results.json shows before the due date: the visible tests only.
        seen = [g for g in graded if g.visibility == "visible"]
        summary = text if len(seen) == len(graded) else (
            report(seen, args.package, folder, False, seed)
            + f"\n{len(graded) - len(seen)} held-out tests were graded too: their results "
              "show after the due date.")
        written = write_all(graded, out, f"{args.package} ({folder.name})", summary)
        print(f"Wrote {', '.join(str(p) for p in written)}")
        full_marks = full_marks and all(g.passed for g in graded)
    return 0 if full_marks else 1


def not_run(why: str, hidden: bool, seed: int) -> list[Graded]:
    """Every test, lost, when the app did not start: the files still say what is at stake."""
    cases = visible_cases() + (hidden_cases(random.Random(seed)) if hidden else [])
    return [Graded(case, number, False, why.splitlines()[0], None, 0.0)
            for case, number in zip(cases, numbers(cases), strict=True)]


if __name__ == "__main__":
    sys.exit(main())
