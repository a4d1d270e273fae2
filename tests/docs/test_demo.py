"""make demo, as CI sees it: no terminal, straight through."""

import os
import re
import subprocess
import sys

from sidebyside.demo import STORY
from sidebyside.scenarios import CHAPTERS
from sidebyside.servers import REPO


def test_demo_runs_without_a_tty_shows_every_step_and_leaves_no_server():
    done = subprocess.run([sys.executable, "-m", "sidebyside.demo", "--step"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for number, sc in enumerate(STORY, 1):
        assert f"Step {number}/{len(STORY)} · {sc.chapter} · {sc.title}" in out
        assert f"Lesson: {sc.lesson}"[:60] in out.replace("\n", " ")
    assert "UNEXPECTED" not in out and "Traceback" not in done.stderr
    assert {sc.chapter for sc in STORY} == set(CHAPTERS)  # the whole story is told
    assert "End of the story" in out
    pids = [int(p) for p in re.findall(r"\(pid (\d+)\)", out)]
    assert len(pids) == 2
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or _zombie(pid)


def _zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] == "Z"
