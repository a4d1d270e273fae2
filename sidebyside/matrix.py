"""Run the whole catalogue against both real servers and render the parity matrix.

python -m sidebyside.matrix            print it
python -m sidebyside.matrix --write F  replace the block between the markers in F
"""

import argparse
import secrets
import sys
import tempfile
from pathlib import Path

from shared import Store
from sidebyside.clients import Exchange, client_for
from sidebyside.scenarios import CATALOGUE, Outcome, World, observed_verdict, run
from sidebyside.servers import AppServer, running_apps

START = "<!-- parity-matrix:start (make parity-matrix writes this block) -->"
END = "<!-- parity-matrix:end -->"


def world_for(servers: dict[str, AppServer], workdir: Path) -> World:
    clients = {name: client_for(name, s.base_url, s.secret) for name, s in servers.items()}
    store = Store(servers["v1"].env["DATABASE_URL"])  # the one both servers share
    return World(clients, store, secrets.token_hex(2))


def run_all(world: World) -> dict[str, dict[str, Exchange] | BaseException]:
    """Every scenario once; an exception is kept as the scenario's result, not raised."""
    results: dict[str, dict[str, Exchange] | BaseException] = {}
    for sc in CATALOGUE:
        try:
            results[sc.key] = run(world, sc)
        except Exception as e:  # reported by the scenario's own test
            results[sc.key] = e
    return results


def outcomes(result: dict[str, Exchange]) -> dict[str, Outcome]:
    return {app: Outcome.of(exchange) for app, exchange in result.items()}


def render_matrix(results: dict[str, dict[str, Exchange] | BaseException]) -> str:
    rows = ["| # | chapter | scenario | v1 (Flask-JWT) | v2 (Flask-JWT-Extended) | verdict "
            "| reason |", "|---|---|---|---|---|---|---|"]
    for number, sc in enumerate(CATALOGUE, 1):
        result = results[sc.key]
        if isinstance(result, BaseException):
            got, verdict = {}, "error"
        else:
            got = outcomes(result)
            verdict = observed_verdict(got, sc.verdict)
        cells = [str(got[app]) if app in got else "—" for app in ("v1", "v2")]
        rows.append(f"| {number} | {sc.chapter} | {sc.title} | {cells[0]} | {cells[1]} "
                    f"| {verdict} | {sc.reason} |")
    return "\n".join(rows)


def embedded_matrix(text: str) -> str | None:
    if START not in text or END not in text:
        return None
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def embed(text: str, matrix: str) -> str:
    if embedded_matrix(text) is None:
        raise SystemExit(f"markers not found; add\n{START}\n{END}")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    return f"{before}{START}\n{matrix}\n{END}{after}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.matrix")
    parser.add_argument("--write", type=Path, help="markdown file with the matrix markers")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, running_apps(Path(tmp)) as servers:
        world = world_for(servers, Path(tmp))
        matrix = render_matrix(run_all(world))
        world.store.close()
    if args.write:
        args.write.write_text(embed(args.write.read_text(), matrix))
        print(f"parity matrix written into {args.write}")
    else:
        print(matrix)
    return 0


if __name__ == "__main__":
    sys.exit(main())
