"""make demo DEMO_ARGS=--cutover, as CI sees it: no terminal, straight through, every declared
outcome met, no server left behind."""

import os
import re
import subprocess
import sys

from sidebyside.servers import REPO
from tests.docs.test_demo import _zombie

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
    assert "End of the cut-over" in out
    pids = {int(p) for p in re.findall(r"\(v[12] started, pid (\d+)\)", out)}
    assert len(pids) == 4  # v1 once, v2 three times
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)
