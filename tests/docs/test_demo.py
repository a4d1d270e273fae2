"""make demo, as CI sees it (no terminal, straight through), as an instructor drives it (on a
pseudo-terminal: keys), and --serve stopped by a signal."""

import fcntl
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time

import pytest

from sidebyside.demo import STORY
from sidebyside.scenarios import CHAPTERS
from sidebyside.servers import REPO, venv_python
from tests.docs.test_requests_http import EXPECTED, FILES, shell_lines

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
    late = subprocess.run([*DEMO, "--from", str(len(STORY)), "--quiz"], cwd=REPO,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert late.returncode == 0
    assert f"Step {len(STORY)}/{len(STORY)}" in late.stdout and "Step 1/" not in late.stdout
    # --quiz without a terminal: the question, then the answer.
    assert late.stdout.index("what does v1 answer?") < late.stdout.index("Lesson:")
    # Out of range or not a number: one line that says what to do, no server started.
    for bad in ("0", str(len(STORY) + 1), "40", "x"):
        refused = subprocess.run([*DEMO, "--from", bad], cwd=REPO, capture_output=True,
                                 text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert refused.returncode == 2 and refused.stdout == "", refused
        assert len(refused.stderr.splitlines()) == 1 and "--from" in refused.stderr, refused
        if bad != "x":
            assert f"the steps are 1 to {len(STORY)}" in refused.stderr


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


class Terminal:
    """The demo on a pseudo-terminal of a given size, as a projector's terminal runs it."""

    def __init__(self, *args: str, columns: int = 100, rows: int = 30, **env: str):
        self.controller, terminal = pty.openpty()
        self.resize(columns, rows)
        environ = {k: v for k, v in os.environ.items()  # the size and colours are the test's
                   if k not in ("COLUMNS", "LINES", "COLORFGBG", "DEMO_THEME", "NO_COLOR")}
        self.demo = subprocess.Popen([*DEMO, *args], cwd=REPO, stdin=terminal, stdout=terminal,
                                     stderr=terminal, start_new_session=True,
                                     env={**environ, "TERM": "xterm-256color", **env})
        os.close(terminal)

    def resize(self, columns: int, rows: int, tell: bool = False) -> None:
        fcntl.ioctl(self.controller, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        if tell:  # the demo has no controlling terminal here: send what the kernel would
            os.kill(self.demo.pid, signal.SIGWINCH)

    def screen(self, needle: str = "q quit]") -> str:
        """The last screen drawn once `needle` shows (every screen ends with the prompt)."""
        return read_until(self.controller, needle).rsplit("\x1b[2J", 1)[-1]

    def press(self, keys: bytes, needle: str = "q quit]") -> str:
        """Each key in turn (an escape sequence is one key), each once its screen is up."""
        screen = ""
        for key in [keys] if keys.startswith(b"\x1b") else [bytes([k]) for k in keys]:
            os.write(self.controller, key)
            screen = self.screen(needle)
        return screen

    def close(self) -> None:
        if self.demo.poll() is None:
            os.killpg(self.demo.pid, signal.SIGKILL)
            self.demo.wait(timeout=30)
        os.close(self.controller)


def plain(screen: str) -> str:
    return " ".join(ANSI.sub("", screen).split())


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
LEFT, RIGHT, PGDN, PGUP, BACKSPACE = b"\x1b[D", b"\x1b[C", b"\x1b[6~", b"\x1b[5~", b"\x7f"
LAST = len(STORY)


def test_an_instructor_drives_it_with_keys_on_a_terminal():
    """Any key at any moment: nothing ends the show but q or a confirmed last Enter; numbers
    out of range and Enter on the last step are refused with a hint; a replay answers as
    declared (fresh names); clicker keys and Backspace work."""
    term = Terminal("--from", "2")
    try:
        banner = plain(term.screen())
        assert "Two real servers, one store" in banner and "pid" in banner  # before step 1
        assert "--through" in banner  # the one-line hint: how to run it straight through
        for keys, shows, hint in (
                (b"\r", 2, ""), (LEFT, 1, ""), (LEFT, 1, "nothing before it"), (RIGHT, 2, ""),
                (b"12\r", 12, ""), (b"h", 12, "raw HTTP"), (PGDN, 12, "$ curl -i"),
                (b"h", 12, "Lesson:"), (b"r", 12, "replayed afresh"), (b"0\r", 12, "No step 0"),
                (f"{LAST + 1}\r".encode(), 12, f"the steps are 1 to {LAST}"),
                (b"99\r", 12, "No step 99"),
                (b"1", 12, ""), (b"3", 12, ""), (BACKSPACE, 12, ""), (b"\r", 1, ""),
                (b"r", 1, "replayed afresh"), (b"r", 1, "replayed afresh"),
                (PGDN, 2, ""), (PGUP, 1, ""), (b" ", 2, ""), (b"x", None, None),
                (f"{LAST}\r".encode(), LAST, ""), (b"\r", LAST, "That was the last step"),
                (LEFT, LAST - 1, ""), (RIGHT, LAST, ""), (b"\r", LAST, "last step")):
            if shows is None:  # a key that means nothing: no new screen, nothing happens
                os.write(term.controller, keys)
                continue
            screen = plain(term.press(keys))
            assert f"Step {shows}/{LAST} ·" in screen, (keys, screen[-800:])
            assert hint in screen, (keys, screen[-800:])
            assert "UNEXPECTED" not in screen and "Traceback" not in screen, (keys, screen)
            if keys == b"1":
                assert screen.endswith("q quit] 1")  # the typed number shows, then edits
            if keys == BACKSPACE:
                assert screen.endswith("q quit] 1") and "q quit] 13" not in screen[-12:]
        os.write(term.controller, b"\r")  # confirmed: the end
        read_until(term.controller, "End of the story")
        assert term.demo.wait(timeout=30) == 0
    finally:
        term.close()


def test_on_a_terminal_it_paces_itself_unless_told_to_run_through():
    """make demo on a terminal waits on its banner (the instructor starts it); --through runs
    straight to the end there too."""
    paced = Terminal("--from", str(LAST))
    through = Terminal("--from", str(LAST), "--through")
    try:
        assert "Two real servers" in plain(paced.screen())
        read_until(through.controller, "End of the story")
        assert through.demo.wait(timeout=30) == 0
        assert paced.demo.poll() is None  # still on its banner, waiting for a key
        paced.press(b"q", "both servers are down")
        assert paced.demo.wait(timeout=30) == 0
    finally:
        paced.close()
        through.close()


def test_quiz_asks_before_it_answers():
    """--quiz: each step first shows the requests and asks; a key reveals the answers, the
    verdict and the lesson; the next key moves on; a step already revealed stays revealed."""
    number = next(n for n, sc in enumerate(STORY, 1) if sc.key == "expired_inside_leeway")
    term = Terminal("--quiz", "--from", str(number))
    try:
        term.screen()
        asked = plain(term.press(b"\r"))
        assert f"Step {number}/" in asked and "what does v1 answer?" in asked
        assert "what does v2 answer?" in asked and "Which app answers what?" in asked
        assert "GET /item/" in asked  # the request is shown
        assert "→ 200" not in asked and "→ 401" not in asked and "Lesson:" not in asked
        told = plain(term.press(b"\r"))
        assert f"Step {number}/" in told and "→ 200" in told and "→ 401" in told
        assert "Lesson:" in told and "differs" in told and "what does" not in told
        following = plain(term.press(b"\r"))
        assert f"Step {number + 1}/" in following and "what does v1 answer?" in following
        again = plain(term.press(LEFT))
        assert f"Step {number}/" in again and "Lesson:" in again
        term.press(b"q", "both servers are down")
        assert term.demo.wait(timeout=30) == 0
    finally:
        term.close()


def test_a_server_that_dies_mid_class_is_a_sentence_not_a_traceback():
    term = Terminal("--from", "2")
    try:
        banner = plain(term.screen())
        v1 = int(re.search(r"v1 · Flask-JWT 0\.3\.2: \S+ \(pid (\d+)\)", banner).group(1))
        os.kill(v1, signal.SIGKILL)
        screen = plain(term.press(b"\r"))
        assert "Step 2/" in screen
        assert re.search(r"could not be played \(Connection\w+Error", screen), screen
        assert "r replays it afresh" in screen and "Traceback" not in screen
        assert "Step 3/" in plain(term.press(RIGHT))  # the show goes on
        term.press(b"q", "both servers are down")
        assert term.demo.wait(timeout=30) == 0
    finally:
        term.close()


def test_a_replayed_throttling_step_shows_what_its_first_play_showed():
    """Failed logins count per address for 15 minutes: each replay acts from fresh ones."""
    number = next(n for n, sc in enumerate(STORY, 1) if sc.key == "throttle_other_address")
    term = Terminal("--from", str(number))
    try:
        term.screen()
        # Both apps count into one store: 22 failures a play from the "other" address, and
        # the per-address limit is 100, so a fixed one would show 429 x11 from the 5th play.
        screens = [plain(term.press(b"\r"))] + [plain(term.press(b"r")) for _ in range(5)]
        for screen in screens:
            assert f"Step {number}/" in screen and "UNEXPECTED" not in screen
            assert "setup: POST /login → 401 x10" in screen and "429 x11" not in screen
        term.press(b"q", "both servers are down")
        assert term.demo.wait(timeout=30) == 0
    finally:
        term.close()


def test_it_redraws_on_resize_says_when_too_small_pages_and_takes_a_light_theme():
    number = next(n for n, sc in enumerate(STORY, 1) if sc.key == "expired_inside_leeway")
    term = Terminal("--from", str(number), "--claims", "full", columns=100, rows=30,
                    DEMO_THEME="light")
    try:
        term.screen()
        big = term.press(b"\r")
        assert "38;5;166" in big  # the light theme's refusal colour (dark orange), not yellow
        assert "\x1b[33m" not in big and "\x1b[1;33m" not in big
        assert "terminal 100x30" not in plain(big)
        term.resize(60, 15, tell=True)
        raw = term.screen()
        small = plain(raw)
        assert "terminal 60x15: the demo wants 80x24" in small and "more lines" in small
        lines = ANSI.sub("", raw).splitlines()
        assert len(lines) <= 15 and max(map(len, lines)) <= 60  # nothing wraps or scrolls
        paged = plain(term.press(PGDN))
        # Further down the same step, its title kept on the first row.
        assert paged.startswith(f"continued: Step {number}/") and paged != small
        assert plain(term.press(PGUP)).count("continued:") == 0
        term.resize(120, 40, tell=True)
        roomy = plain(term.screen())
        assert f"Step {number}/" in roomy and "the demo wants" not in roomy
        term.press(b"q", "both servers are down")
    finally:
        term.close()


def test_serve_keeps_both_apps_on_fixed_ports_until_a_signal_then_cleans_up():
    """--serve, and what the README pairs with it: the .http walkthroughs, twice in a row,
    with the export line it prints (their admin grant reaches the demo's store)."""
    demo = subprocess.Popen([*DEMO, "--serve", "--from", str(len(STORY))], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    out = ""
    try:
        while "the walkthroughs" not in out:
            line = demo.stdout.readline()
            assert line, out
            out += line
        assert "http://127.0.0.1:5001" in out and "http://127.0.0.1:5002" in out
        assert "in another terminal" in out
        for needed in ("/register", "/auth", "/login", "/refresh", "/logout", "-X PUT",
                       "-X DELETE", "/password", "admin grant"):
            assert needed in out
        url = re.search(r"^export DATABASE_URL='(sqlite:///([^']+))'$", out, re.MULTILINE)
        store = url.group(2)
        assert os.path.exists(store)
        for run in ("first", "again"):
            for name in FILES:
                # The file's own lines, ports and all, unchanged but for PY: the environment
                # beside this interpreter (make test-pythons has .venv-py3.X-v1, not .venv-v1).
                lines = shell_lines(name)
                lines[0] = re.sub(r"PY=\S+", f"PY={venv_python(name[:2])}", lines[0])
                done = subprocess.run(
                    ["bash", "-euo", "pipefail", "-c", "\n".join(lines)],
                    cwd=REPO, env={**os.environ, "DATABASE_URL": url.group(1)},
                    capture_output=True, text=True, timeout=60)
                assert done.returncode == 0, (name, run, done.stdout + done.stderr)
                statuses = [int(s) for s in re.findall(r" \[(\d{3})\]$", done.stdout,
                                                       re.MULTILINE)]
                assert statuses == EXPECTED[name], (name, run, done.stdout)
        pids = [int(p) for p in re.findall(r"\(pid (\d+)\)", out)]
        demo.send_signal(signal.SIGTERM)
        rest, _ = demo.communicate(timeout=30)
        assert demo.returncode == 0 and "both servers are down" in rest
        assert not os.path.exists(store) and all(gone(p) for p in pids)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.communicate(timeout=30)


def test_serve_with_its_ports_taken_says_so_and_writes_nothing(tmp_path):
    """A second demo, or make run-v1, on 5001: one line, exit 2, no server started, no store
    made, nobody registered in the other servers' store."""
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            other.bind(("127.0.0.1", 5001))
        except OSError:
            pytest.skip("5001 is in use by something else on this machine")
        other.listen()
        done = subprocess.run([*DEMO, "--serve"], cwd=REPO, capture_output=True, text=True,
                              timeout=60, stdin=subprocess.DEVNULL,
                              env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == 2 and done.stdout == "", done
    assert len(done.stderr.splitlines()) == 1 and "port 5001" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and list(tmp_path.iterdir()) == []
