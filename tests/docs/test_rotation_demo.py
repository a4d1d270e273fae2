"""The key-rotation story (make demo DEMO_ARGS=--rotation), run for real: every step answers
as declared, and its ending says what happened to whom."""

import subprocess
import sys

from sidebyside.servers import REPO


def test_the_rotation_story_runs_as_declared_and_says_who_was_affected():
    done = subprocess.run([sys.executable, "-m", "sidebyside.demo", "--rotation"], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "UNEXPECTED" not in done.stdout
    assert done.stdout.count("\nStep ") == 6
    assert "promote now (exit status): 1" in done.stdout  # the cache-window rule, live
    assert "Bob's k1 refresh token mints a token whose kid is" in done.stdout
    ending = done.stdout.split("What happened to whom:", 1)[1]
    assert "nobody was logged out by the rotation itself" in ending
    assert "0 unexpected answer(s)" in ending
    assert all(len(line) <= 100 for line in done.stdout.splitlines())
