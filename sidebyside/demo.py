"""make demo: both apps on one shared store, the migration story told scenario by scenario.

--step       drive it (on a terminal): Enter/→ next, ← back, a number + Enter jumps,
             r replays the step, q quits; each step on a cleared screen
--from N     start at step N;  --list  print the step titles and stop
--claims full  every token claim and challenge (default: the ones that matter)
--serve      afterwards keep both apps on 127.0.0.1:5001/5002 with lines to paste
--cutover    the cut-over story instead (sidebyside/cutover.py)
Without a terminal it runs straight through (CI). q, Ctrl-C, SIGTERM or SIGHUP stop both
servers and remove the demo's store.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.rule import Rule

from sidebyside.clients import Exchange
from sidebyside.matrix import world_for
from sidebyside.render import LIBRARY, step_view
from sidebyside.scenarios import CATALOGUE, PASSWORD, Scenario, World
from sidebyside.serve import serve_forever
from sidebyside.servers import running_apps
from sidebyside.terminal import read_command, stop_on_signals

# The story: every scenario that teaches something, in the catalogue's (teaching) order.
STORY = [sc for sc in CATALOGUE if sc.lesson]
FIXED_PORTS = {"v1": 5001, "v2": 5002}  # make run-v1/run-v2 and requests.http


def play(world: World, sc: Scenario) -> tuple[dict[str, Exchange], dict[str, list[Exchange]]]:
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


def tell(console: Console, world: World, args: argparse.Namespace, driven: bool) -> bool:
    shown: dict[int, tuple[dict[str, Exchange], dict[str, list[Exchange]]]] = {}
    all_as_declared, i = True, args.start - 1
    while 0 <= i < len(STORY):
        if i not in shown:
            shown[i] = play(world, STORY[i])
        result, setups = shown[i]
        view, as_declared = step_view(i + 1, len(STORY), STORY[i], result, setups,
                                      full=args.claims == "full")
        all_as_declared &= as_declared
        if driven:
            console.clear()
        console.print(view)
        if not driven:
            i += 1
            continue
        command, number = read_command()
        if command == "quit":
            raise KeyboardInterrupt
        if command == "replay":
            del shown[i]
        elif command == "jump":
            i = number - 1 if 1 <= number <= len(STORY) else i  # no such step: stay
        else:  # only "next" past the last step ends the story; "back" on step 1 stays there
            i = i + 1 if command == "next" else max(i - 1, 0)
    return all_as_declared


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.demo", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", action="store_true", help="drive it step by step")
    parser.add_argument("--from", dest="start", type=int, default=1, help="start at step N")
    parser.add_argument("--list", action="store_true", help="print the step titles")
    parser.add_argument("--claims", choices=["key", "full"], default="key")
    parser.add_argument("--serve", action="store_true", help="keep both apps running after")
    parser.add_argument("--cutover", action="store_true", help="the cut-over story instead")
    args = parser.parse_args(argv)
    if args.list:
        for number, sc in enumerate(STORY, 1):
            print(f"{number:2}. {sc.chapter} · {sc.title}")
        return 0
    if args.cutover:
        from sidebyside.cutover import main as cutover

        return cutover()
    stop_on_signals()
    driven = args.step and sys.stdin.isatty() and sys.stdout.isatty()
    console = Console(width=None if sys.stdout.isatty() else 100)
    ports = FIXED_PORTS if args.serve else None
    try:
        with tempfile.TemporaryDirectory() as tmp, \
                running_apps(Path(tmp), ports=ports) as servers:
            world = world_for(servers, Path(tmp))
            with world.store:  # closed on the way out, whatever happens
                console.print(Panel.fit(
                    "\n".join(f"{LIBRARY[n]}: {s.base_url}  (pid {s.pid})"
                              for n, s in servers.items())
                    + f"\nshared store: {world.store.url}",
                    title="Both apps, one store", border_style="bold"), highlight=False)
                for name, client in world.clients.items():  # the cast: an admin and a user
                    client.register("demo-admin" if name == "v1" else "demo-user", PASSWORD)
                world.store.set_admin("demo-admin", True)
                all_as_declared = tell(console, world, args, driven)
                console.print(Rule("[bold]End of the story"))
                console.print(f"{len(STORY)} steps; the full matrix of {len(CATALOGUE)} "
                              "scenarios is in migration_notes.md (make parity-matrix).")
                if args.serve:
                    serve_forever(console, servers, world)
    except KeyboardInterrupt:
        console.print("\nstopped; both servers are down and the demo's store is removed.")
        return 0
    return 0 if all_as_declared else 1


if __name__ == "__main__":
    sys.exit(main())
