"""make demo DEMO_ARGS=--cutover, as CI sees it: no terminal, straight through, every declared
outcome met, no server left behind."""

import os
import re
import subprocess
import sys

from sidebyside.cutover import STEPS
from sidebyside.servers import REPO
from tests.docs.test_demo import LEFT, Terminal, _zombie, plain

PHASES = ["1. v1 (Flask-JWT) is serving", "2. v2 replaces it on the same store, without the",
          "3. v2 with the bridge", "4. The grace window closes"]


def test_cutover_demo_runs_every_step_as_declared_and_leaves_no_server():
    done = subprocess.run([sys.executable, "-m", "sidebyside.demo", "--cutover"], cwd=REPO,
                          capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    assert "UNEXPECTED" not in out and "Traceback" not in done.stderr
    for phase in PHASES:
        assert phase in out
    assert "the list is silently anonymous" in out and "More data available" in out
    # ann's two requests (one refused only for freshness) count; bob's spent token is refused
    assert "legacy tokens in the last 24 h: 1 user(s), 2 use(s)" in out
    assert "refused legacy tokens in the last 24 h: 1 (token_revoked 1)" in out
    assert "End of the cut-over: what happened to whom" in out
    ending = " ".join(out.split("what happened to whom", 1)[1].split())
    for said in ("ann kept her unchanged v1 client", "logged in again at v2",
                 "bob's updated client exchanged", "cai's old client logged in at v2's POST /auth",
                 "Nobody was logged out before the grace window ended"):
        assert said in ending, ending
    pids = {int(p) for p in re.findall(r"\(v[12] started, pid (\d+)\)", out)}
    assert len(pids) == 4  # v1 once, v2 three times
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)


def test_cutover_steps_on_a_terminal_with_the_demos_keys_and_colours():
    """On a terminal: a screen per step, → on, ← back through what happened, r and numbers
    explained rather than obeyed; a 401 in the refusal colour, as in the main demo (yellow),
    never the success colour (green); then the ending."""
    term = Terminal("--cutover")
    try:
        screens = [term.screen()]
        assert f"Cut-over step 1/{STEPS}" in plain(screens[0])
        assert "\x1b[1;32m200" in screens[0]  # a success: green
        while f"Cut-over step {STEPS}/{STEPS}" not in plain(screens[-1]):
            screens.append(term.press(b"\r"))
            assert len(screens) < STEPS + 3, plain(screens[-1])
        seen = [plain(screen) for screen in screens]
        refusal = next(raw for raw, s in zip(screens, seen, strict=True)
                       if "reads her account: logged out" in s)
        assert "\x1b[1;33m401" in refusal and "\x1b[1;32m401" not in refusal
        assert "UNEXPECTED" not in " ".join(seen)
        assert sum("Cut-over step" in s for s in seen) == STEPS
        assert plain(term.press(LEFT)) == seen[-2]  # back: what happened, shown again
        assert "no replay or jump" in plain(term.press(b"r"))
        assert plain(term.press(b"\r")) == seen[-1]  # forward again to the latest
        term.press(b"\r")  # the last bridge report
        assert "what happened to whom" in plain(term.press(b"\r", "for a while."))
        assert term.demo.wait(timeout=60) == 0
    finally:
        term.close()
