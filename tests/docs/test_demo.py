"""make demo, as CI sees it (no terminal, straight through), as an instructor drives it (on a
pseudo-terminal: keys), and --serve stopped by a signal."""

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

from sidebyside.demo import STORY
from sidebyside.scenarios import CHAPTERS
from sidebyside.servers import REPO

DEMO = [sys.executable, "-m", "sidebyside.demo"]


def _zombie(pid: int) -> bool:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] == "Z"


def gone(pid: int) -> bool:
    return not os.path.exists(f"/proc/{pid}") or _zombie(pid)


def test_demo_runs_without_a_tty_shows_every_step_and_leaves_no_server():
    done = subprocess.run([*DEMO, "--step"], cwd=REPO, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    for number, sc in enumerate(STORY, 1):
        assert f"Step {number}/{len(STORY)} · {sc.chapter} · {sc.title}" in out
        assert f"Lesson: {sc.lesson}"[:60] in out.replace("\n", " ")
    assert "UNEXPECTED" not in out and "Traceback" not in done.stderr
    assert {sc.chapter for sc in STORY} == set(CHAPTERS)  # the whole story is told
    assert "End of the story" in out
    pids = [int(p) for p in re.findall(r"\(pid (\d+)\)", out)]
    assert len(pids) == 2 and all(gone(p) for p in pids)
    # A projector: every step fits 25 rows at 100 columns (the width without a terminal).
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 100
    starts = [i for i, line in enumerate(lines) if re.search(r"Step \d+/\d+ ·", line)]
    ends = [*starts[1:], next(i for i, line in enumerate(lines) if "End of the story" in line)]
    assert max(end - start for start, end in zip(starts, ends, strict=True)) <= 25
    # Steps whose point is a setup show it, one line per request.
    assert "setup: POST /refresh → 200" in out and "setup: POST /login → 401 x10" in out


def test_list_and_from():
    listed = subprocess.run([*DEMO, "--list"], cwd=REPO, capture_output=True, text=True,
                            timeout=60).stdout.splitlines()
    assert listed == [f"{n:2}. {sc.chapter} · {sc.title}" for n, sc in enumerate(STORY, 1)]
    late = subprocess.run([*DEMO, "--from", str(len(STORY))], cwd=REPO, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert late.returncode == 0
    assert f"Step {len(STORY)}/{len(STORY)}" in late.stdout and "Step 1/" not in late.stdout


def read_until(fd: int, needle: str, timeout: float = 60) -> str:
    seen, deadline = "", time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        if select.select([fd], [], [], 0.5)[0]:
            try:
                seen += os.read(fd, 65536).decode(errors="replace")
            except OSError:
                break
    assert needle in seen, seen[-2000:]
    return seen


def test_an_instructor_drives_it_with_keys_on_a_terminal():
    controller, terminal = pty.openpty()
    demo = subprocess.Popen([*DEMO, "--step", "--from", "2"], cwd=REPO, stdin=terminal,
                            stdout=terminal, stderr=terminal, start_new_session=True)
    os.close(terminal)
    try:
        read_until(controller, "q quit]")
        # Each key once the prompt is up: only then is the terminal in single-key mode.
        # Back, then back again on step 1 (it stays there: the story does not end), next,
        # jump, replay, and jumps to steps that do not exist (they stay where they are).
        left, right = b"\x1b[D", b"\x1b[C"
        for keys, shows in ((left, 1), (left, 1), (right, 2), (b"12\r", 12), (b"r", 12),
                            (b"0\r", 12), (f"{len(STORY) + 1}\r".encode(), 12)):
            os.write(controller, keys)
            screen = read_until(controller, "q quit]")
            assert f"Step {shows}/{len(STORY)}" in screen, (keys, screen[-500:])
        os.write(controller, b"q")
        read_until(controller, "both servers are down")
        assert demo.wait(timeout=30) == 0
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait(timeout=30)
        os.close(controller)


def test_serve_keeps_both_apps_on_fixed_ports_until_a_signal_then_cleans_up():
    demo = subprocess.Popen([*DEMO, "--serve", "--from", str(len(STORY))], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    out = ""
    try:
        while "admin grant" not in out:
            line = demo.stdout.readline()
            assert line, out
            out += line
        assert "http://127.0.0.1:5001" in out and "http://127.0.0.1:5002" in out
        for needed in ("/register", "/auth", "/login", "/refresh", "/logout", "-X PUT",
                       "-X DELETE", "/password"):
            assert needed in out
        store = re.search(r"DATABASE_URL='sqlite:///([^']+)'", out).group(1)
        assert os.path.exists(store)
        pids = [int(p) for p in re.findall(r"\(pid (\d+)\)", out)]
        demo.send_signal(signal.SIGTERM)
        rest, _ = demo.communicate(timeout=30)
        assert demo.returncode == 0 and "both servers are down" in rest
        assert not os.path.exists(store) and all(gone(p) for p in pids)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.communicate(timeout=30)
