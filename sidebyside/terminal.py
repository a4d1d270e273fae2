"""The demo's terminal: single keypresses to drive it, and signals that stop it cleanly."""

import signal
import sys
import termios
import tty


def read_command() -> tuple[str, int]:
    """One keypress (a number needs Enter): next, back, jump N, replay or quit."""
    fd, digits = sys.stdin.fileno(), ""
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)  # before the prompt: a key pressed at once is read, not echoed
        print("[Enter/→ next · ← back · N+Enter jump · r replay · q quit] ", end="", flush=True)
        while True:
            key = sys.stdin.read(1)
            if key == "\x1b" and sys.stdin.read(1) == "[":
                arrow = sys.stdin.read(1)
                if arrow in "CD":
                    return ("next" if arrow == "C" else "back"), 0
            elif key in "\r\n":
                return ("jump", int(digits)) if digits else ("next", 0)
            elif key.isdigit():
                digits += key
                print(key, end="", flush=True)
            elif key.lower() in ("r", "q"):
                return ("replay" if key.lower() == "r" else "quit"), 0
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def stop_on_signals() -> None:
    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # the same clean way out as Ctrl-C

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)
