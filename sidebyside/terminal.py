"""The demo's terminal: single keypresses (a presenter's clicker included) to drive it, its size
and resizes, and signals that stop it cleanly."""

import os
import select
import shutil
import signal
import sys
import termios
import tty
from types import TracebackType

# What each key means. A clicker sends PgDn/PgUp (some → ←, some Space); the arrows, Enter,
# Space and n/p do the same from a keyboard. Forward keys page down a step taller than the
# screen before they move on; back keys page up first.
KEYS = {
    "\r": "enter", "\n": "enter", " ": "next", "n": "next", "\x1b[C": "next", "\x1bOC": "next",
    "\x1b[B": "next", "\x1bOB": "next", "\x1b[6~": "next",
    "p": "back", "\x1b[D": "back", "\x1bOD": "back", "\x1b[A": "back", "\x1bOA": "back",
    "\x1b[5~": "back",
    "\x7f": "backspace", "\x08": "backspace", "\x1b": "escape",
    "r": "replay", "h": "raw", "q": "quit", "Q": "quit",
    "\x03": "quit",  # Ctrl-C read as a key (no controlling terminal): as q
}
MIN_SIZE = (80, 24)  # columns, rows: below this a step no longer fits (the demo says so)


def size() -> tuple[int, int]:
    columns, rows = shutil.get_terminal_size((100, 25))
    return columns, rows


def too_small(columns: int, rows: int) -> str:
    """A one-line notice when the terminal is below MIN_SIZE, else ''."""
    if columns >= MIN_SIZE[0] and rows >= MIN_SIZE[1]:
        return ""
    return (f"terminal {columns}x{rows}: the demo wants {MIN_SIZE[0]}x{MIN_SIZE[1]} or more "
            "(enlarge it or use a smaller font); PgDn/PgUp page")


class Keys:
    """The terminal in single-key mode for as long as the demo is driven (keys pressed while
    a step plays are kept, not echoed), and key names read from it; "resize" when the window
    changed size."""

    def __init__(self) -> None:
        self.fd = sys.stdin.fileno()
        self.pending = ""
        self.resized = False

    def __enter__(self) -> "Keys":
        self.saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        self.old_winch = signal.signal(signal.SIGWINCH, self._on_resize)
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        signal.signal(signal.SIGWINCH, self.old_winch)
        termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def _on_resize(self, _signum: int, _frame: object) -> None:
        self.resized = True

    def _more(self, timeout: float) -> bool:
        if select.select([self.fd], [], [], timeout)[0]:
            data = os.read(self.fd, 1024)
            if not data:  # the terminal is gone (end of input): stop, never spin on it
                raise KeyboardInterrupt
            self.pending += data.decode(errors="replace")
            return True
        return False

    def read(self) -> str:
        """The next key's name, a digit, "resize", or "" for a key that means nothing here."""
        while not self.pending:
            if self.resized:
                self.resized = False
                return "resize"
            self._more(0.2)
        if self.pending[0] == "\x1b":
            if len(self.pending) == 1:
                self._more(0.05)  # Esc alone, or the start of an arrow's sequence
            for length in (4, 3):
                if (sequence := self.pending[:length]) in KEYS:
                    self.pending = self.pending[length:]
                    return KEYS[sequence]
            if len(self.pending) > 1 and self.pending[1] in "[O":  # another key's sequence
                end = next((i for i, c in enumerate(self.pending[2:], 2)
                            if c.isalpha() or c == "~"), len(self.pending) - 1)
                self.pending = self.pending[end + 1:]
                return ""
        key, self.pending = self.pending[0], self.pending[1:]
        return key if key.isdigit() else KEYS.get(key, "")


def stop_on_signals() -> None:
    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # the same clean way out as Ctrl-C

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
