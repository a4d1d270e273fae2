"""make demo: both apps on one shared store, the migration story told scenario by scenario.

On a terminal it steps (each step on a cleared screen): Enter, Space, →, ↓ or PgDn next (a
step taller than the screen pages first), ←, ↑ or PgUp back, a number + Enter jumps
(Backspace edits it), r replays the step afresh, h shows its raw HTTP and curl lines, q quits;
Enter on the last step asks once more before ending. Without a terminal (CI, a pipe), or with
--through, it runs straight through.

--from N     start at step N;  --list  print the step titles and stop
--claims full  every token claim and challenge (default: the ones that matter)
--quiz       each step asks first: the requests, no answers, until a key reveals them
--serve      afterwards keep both apps on 127.0.0.1:5001/5002 with lines to paste
--cutover    the cut-over story instead (sidebyside/cutover.py; --step drives it too)
--rotation   the key-rotation story instead (sidebyside/rotation.py): nobody logged out
DEMO_THEME=light  colours for a light terminal background.
q, Ctrl-C, SIGTERM or SIGHUP stop both servers and remove the demo's store.
"""

import argparse
import io
import secrets
import socket
import sys
import tempfile
from dataclasses import dataclass, fields, replace
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from sidebyside.clients import AppClient, Exchange
from sidebyside.matrix import world_for
from sidebyside.render import LIBRARY, step_view, theme
from sidebyside.scenarios import CATALOGUE, PASSWORD, Scenario, World
from sidebyside.serve import serve_forever
from sidebyside.servers import running_apps
from sidebyside.terminal import Keys, size, stop_on_signals, too_small

# The story: every scenario that teaches something, in the catalogue's (teaching) order.
STORY = [sc for sc in CATALOGUE if sc.lesson]
FIXED_PORTS = {"v1": 5001, "v2": 5002}  # make run-v1/run-v2 and requests.http
PROMPT = "[Enter/→ next · ← back · N Enter jump · r replay · h HTTP · q quit]"
NARROW_PROMPT = "[→ next · ← back · q quit]"  # below 80 columns

Played = tuple[dict[str, Exchange], dict[str, list[Exchange]]]


def attempt(world: World, sc: Scenario) -> Played | str:
    """play(), or what went wrong in one line: a live class sees a sentence, not a traceback
    (a server that died, a scenario whose setup failed), and the demo goes on."""
    try:
        return play(world, sc)
    except Exception as e:  # shown on the step; the exit status says so too
        return f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"


def failed_view(number: int, sc: Scenario, error: str) -> RenderableType:
    return Group(Rule(style="note"),
                 Text(f"Step {number}/{len(STORY)} · {sc.chapter} · {sc.title}", style="bold"),
                 Text(f"This step could not be played ({error}); r replays it afresh.",
                      style="unexpected"))


def play(world: World, sc: Scenario) -> Played:
    """Act the scenario on each app; keep the requests made before the final one (setup)."""
    result, setups = {}, {}
    for name, client in world.clients.items():
        if sc.expected(name) is None:
            continue
        for c in world.clients.values():
            c.history.clear()
        result[name] = sc.act(world, client)
        setups[name] = [ex for c in world.clients.values() for ex in c.history
                        if ex is not result[name]]
    return result, setups


@dataclass
class ReplayClient(AppClient):
    """A client for a replay: its own fresh address, and a fresh one for "another client"
    too, so that failed logins left by earlier plays (counted per address for 15 minutes)
    never change what a replayed step shows."""

    other_address: str = ""

    def from_address(self, address: str) -> AppClient:
        return replace(self, source_address=self.other_address or address,
                       history=self.history)


def fresh_world(world: World, replay: int) -> World:
    """The same servers and store under new names (a new run id) and new client addresses
    (any 127.x reaches a server on 127.0.0.1): a replay answers as the first play did."""
    block = f"127.1.{replay % 250}"
    clients = {name: ReplayClient(**{f.name: getattr(c, f.name) for f in fields(c)
                                     if f.init and f.name != "history"},
                                  other_address=f"{block}.2") for name, c in world.clients.items()}
    for client in clients.values():
        client.source_address = f"{block}.1"
    return World(dict(clients), world.store, secrets.token_hex(3))


class Show:
    """The story driven from the keyboard: which step, how far down it, what is typed."""

    def __init__(self, console: Console, world: World, args: argparse.Namespace):
        self.console, self.world, self.args = console, world, args
        self.shown: dict[int, Played | str] = {}
        self.i, self.offset, self.digits, self.hint = args.start - 1, 0, "", ""
        self.raw = self.ending = False
        self.revealed: set[int] = set()
        self.replays, self.all_as_declared = 0, True
        self.room = self.length = self.below = 0
        self.title = ""

    def view(self) -> RenderableType:
        if self.i not in self.shown:
            self.shown[self.i] = attempt(self.world, STORY[self.i])
        sc, played = STORY[self.i], self.shown[self.i]
        self.title = f"Step {self.i + 1}/{len(STORY)} · {sc.chapter} · {sc.title}"
        if isinstance(played, str):
            self.all_as_declared = False
            return failed_view(self.i + 1, sc, played)
        result, setups = played
        quiz = self.args.quiz and self.i not in self.revealed
        raw = {n: c.base_url for n, c in self.world.clients.items()} if self.raw else None
        view, as_declared = step_view(self.i + 1, len(STORY), STORY[self.i], result, setups,
                                      full=self.args.claims == "full", quiz=quiz, raw=raw)
        self.all_as_declared &= as_declared
        return view

    def lines(self, view: RenderableType, columns: int) -> list[str]:
        out = Console(file=io.StringIO(), width=columns, force_terminal=True,
                      color_system=self.console.color_system, theme=theme())  # type: ignore[arg-type]
        out.print(view)
        return out.file.getvalue().splitlines()  # type: ignore[attr-defined]

    def draw(self, view: RenderableType | None = None) -> None:
        """The step (or the part of it that fits), a hint line when there is one, the prompt.
        Further down a tall step, its title stays on the first row."""
        columns, rows = size()
        lines = self.lines(self.view() if view is None else view, columns)
        notes = [n for n in (self.hint, too_small(columns, rows)) if n]
        self.room, self.length = max(rows - 2 - len(notes), 3), len(lines)  # a page's step
        self.offset = max(min(self.offset, self.length - self.room), 0)
        header = [f"continued: {self.title}"[:columns - 1]] if self.offset else []
        window = header + lines[self.offset:self.offset + self.room + 1 - len(header)]
        below = self.length - self.offset - len(window) + len(header)
        more = f"▼ {below} more lines · " if below > 0 else ""
        prompt = more + PROMPT
        if len(prompt) + len(self.digits) + 2 > columns:
            prompt = ("▼ more lines · " if more else "") + NARROW_PROMPT
        prompt += " " + self.digits
        sys.stdout.write("\x1b[H\x1b[2J" + "\n".join(window) + "\n"
                         + "".join(f"{n[:columns - 1]}\n" for n in notes) + prompt)
        sys.stdout.flush()
        self.below = below

    def move(self, to: int) -> None:
        self.i, self.offset, self.raw, self.ending = to, 0, False, False

    def forward(self) -> bool:
        """Enter/next: reveal, page down, next step, or (confirmed) the end. True: the end."""
        if self.args.quiz and self.i not in self.revealed:
            self.revealed.add(self.i)
        elif self.below > 0:
            self.offset += self.room
        elif self.i == len(STORY) - 1:
            if self.ending:
                return True
            self.ending = True
            self.hint = ("That was the last step: Enter again ends the demo (both servers "
                         "stop); ← goes back.")
        else:
            self.move(self.i + 1)
        return False

    def backward(self) -> None:
        if self.offset > 0:
            self.offset = max(self.offset - self.room, 0)
            return
        i = self.i
        if i == 0:
            self.hint = "This is step 1: nothing before it."
        self.move(max(i - 1, 0))  # back on step 1 stays there: the story does not end

    def jump(self) -> None:
        number, self.digits = int(self.digits), ""
        if 1 <= number <= len(STORY):
            self.move(number - 1)
        else:
            self.hint = (f"No step {number}: the steps are 1 to {len(STORY)} "
                         "(Backspace edits a number, Esc clears it).")

    def replay(self) -> None:
        """Afresh: new names and new client addresses, so the step answers as declared."""
        self.replays += 1
        self.shown[self.i] = attempt(fresh_world(self.world, self.replays), STORY[self.i])
        self.offset = 0
        self.hint = f"Step {self.i + 1} replayed afresh (new names, new client addresses)."

    def run(self, keys: Keys) -> None:
        self.draw()
        while True:
            key, ending, self.hint = keys.read(), self.ending, ""
            if key == "":
                continue  # a key that means nothing here: no redraw, no surprise
            if key.isdigit():
                self.digits = (self.digits + key)[-3:]
            elif key == "backspace":
                self.digits = self.digits[:-1]
            elif key == "escape":
                self.digits = ""
            elif key == "enter" and self.digits:
                self.jump()
            elif key in ("enter", "next"):
                if self.forward():
                    return
            elif key == "back":
                self.backward()
            elif key == "replay":
                self.replay()
            elif key == "raw":
                self.raw, self.offset = not self.raw, 0
            elif key == "quit":
                raise KeyboardInterrupt
            if key not in ("enter", "next", "resize"):
                self.ending = False
            elif key == "resize":
                self.ending = ending
            self.draw()


def tell(console: Console, world: World, args: argparse.Namespace) -> bool:
    """Straight through (no terminal, or --through): every step once, in order."""
    all_as_declared = True
    for i in range(args.start - 1, len(STORY)):
        played = attempt(world, STORY[i])
        if isinstance(played, str):
            console.print(failed_view(i + 1, STORY[i], played))
            all_as_declared = False
            continue
        result, setups = played
        for quiz in ((True, False) if args.quiz else (False,)):
            view, as_declared = step_view(i + 1, len(STORY), STORY[i], result, setups,
                                          full=args.claims == "full", quiz=quiz)
            console.print(view)
        all_as_declared &= as_declared
    return all_as_declared


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Bad arguments: one line that says what to do, never the usage block."""
        print(f"{self.prog}: {message} (--help lists the options)", file=sys.stderr)
        raise SystemExit(2)


def taken(ports: dict[str, int]) -> list[int]:
    """The fixed ports something already listens on (another demo, make run-v1/run-v2)."""
    busy = []
    for port in ports.values():
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                busy.append(port)
    return busy


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m sidebyside.demo", description=__doc__,
                    formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", action="store_true",
                        help="step (the default on a terminal; --cutover too)")
    parser.add_argument("--through", action="store_true", help="run straight through")
    parser.add_argument("--from", dest="start", type=int, default=1, help="start at step N")
    parser.add_argument("--list", action="store_true", help="print the step titles")
    parser.add_argument("--claims", choices=["key", "full"], default="key")
    parser.add_argument("--quiz", action="store_true", help="ask before each answer")
    parser.add_argument("--serve", action="store_true", help="keep both apps running after")
    parser.add_argument("--cutover", action="store_true", help="the cut-over story instead")
    parser.add_argument("--rotation", action="store_true",
                        help="the signing-key rotation story instead")
    args = parser.parse_args(argv)
    if args.list:
        for number, sc in enumerate(STORY, 1):
            print(f"{number:2}. {sc.chapter} · {sc.title}")
        return 0
    if not 1 <= args.start <= len(STORY):
        parser.error(f"--from {args.start}: the steps are 1 to {len(STORY)} (--list shows them)")
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    if args.rotation:
        from sidebyside.rotation import main as rotation

        return rotation()
    if args.cutover:
        from sidebyside.cutover import main as cutover

        return cutover(step=tty and not args.through)
    if args.serve and (busy := taken(FIXED_PORTS)):
        # Checked before anything starts: nothing is written, nothing registered elsewhere.
        parser.error(f"port {' and '.join(map(str, busy))} on 127.0.0.1 is taken (another "
                     "demo, or make run-v1/run-v2?): stop it, or leave out --serve")
    stop_on_signals()
    driven = tty and not args.through
    console = Console(width=None if sys.stdout.isatty() else 100, theme=theme())
    ports = FIXED_PORTS if args.serve else None
    try:
        with tempfile.TemporaryDirectory() as tmp, \
                running_apps(Path(tmp), ports=ports) as servers:
            world = world_for(servers, Path(tmp))
            with world.store:  # closed on the way out, whatever happens
                banner = Panel.fit(
                    "\n".join(f"{LIBRARY[n]}: {s.base_url}  (pid {s.pid})"
                              for n, s in servers.items())
                    + f"\nshared store: {world.store.url}",
                    title="Two real servers, one store", border_style="bold")
                for name, client in world.clients.items():  # the cast: an admin and a user
                    client.register("demo-admin" if name == "v1" else "demo-user", PASSWORD)
                world.store.set_admin("demo-admin", True)
                if driven:
                    all_as_declared = drive(console, world, args, banner)
                else:
                    console.print(banner, highlight=False)
                    all_as_declared = tell(console, world, args)
                console.print(Rule("[bold]End of the story", style="note"))
                console.print(f"{len(STORY)} steps; the full matrix of {len(CATALOGUE)} "
                              "scenarios is in migration_notes.md (make parity-matrix).")
                if args.serve:
                    serve_forever(console, servers, world)
    except KeyboardInterrupt:
        console.print("\nstopped; both servers are down and the demo's store is removed.")
        return 0
    return 0 if all_as_declared else 1


def drive(console: Console, world: World, args: argparse.Namespace,
          banner: RenderableType) -> bool:
    """The banner stays up until the first key (the room sees the two servers), then steps."""
    show = Show(console, world, args)
    with Keys() as keys:
        intro = Text(f"Stepping: Enter or → starts at step {args.start}; "
                     "make demo DEMO_ARGS=--through runs it straight through.", style="hint")
        while True:
            show.draw(view=Group(banner, intro))
            key = keys.read()
            if key == "quit":
                raise KeyboardInterrupt
            if key in ("enter", "next"):
                break
        show.run(keys)
    sys.stdout.write("\x1b[H\x1b[2J")
    return show.all_as_declared


if __name__ == "__main__":
    sys.exit(main())
