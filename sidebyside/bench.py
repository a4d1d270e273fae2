"""make bench: what the migration costs per request, both apps under gunicorn.conf.py.

Per stack: a bare Flask-RESTful endpoint (the ceiling) and the protected GET /item/<name> with
the full auth path, measured as the workers' CPU time per request (stable) beside requests/s
(not), for 1, 2 and 4 workers, on SQLite and, when STORE_TEST_POSTGRES is set (make bench
starts a throwaway cluster when PostgreSQL is installed), on PostgreSQL. v2's protected path
is measured twice per round: that control pair must agree within 5%, else the run is noisy.
Then login timing: unknown user vs wrong password.

python -m sidebyside.bench [--rounds 9] [--requests 500] [--workers 1 2 4]
"""

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from shared import Store
from sidebyside.clients import client_for
from sidebyside.databases import fresh_store_url, postgres_server
from sidebyside.load import Sample, measure
from sidebyside.matrix import world_for
from sidebyside.scenarios import PASSWORD
from sidebyside.servers import GunicornServer, running_apps, server_env

# (stack, endpoint) in the order each round measures them; "v2 again" is the control.
SERIES = [("v1", "bare"), ("v1", "protected"), ("v2", "protected"), ("v2", "bare"),
          ("v2 again", "protected")]


def start(stack: str, db_url: str, workers: int, log: Path) -> GunicornServer:
    # One user logs in for the whole run: no throttling here.
    env = {**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32),
           "LOGIN_MAX_FAILURES": "1000000000"}
    server = GunicornServer(stack, env, log, workers=workers,
                            app_spec=f'sidebyside.bench_wsgi:create_app("{stack}")')
    server.start()
    server.wait_ready()
    return server


def bench(postgres: bool, workers: int, rounds: int, requests: int) -> dict[str, Sample]:
    with tempfile.TemporaryDirectory() as tmp, fresh_store_url(Path(tmp), postgres=postgres) \
            as db_url:
        with Store(db_url) as store:
            store.init_schema()
            store.create_item("chair", 12.5)
        servers = {s: start(s, db_url, workers, Path(tmp) / f"{s}.log") for s in ("v1", "v2")}
        try:
            paths: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
            for stack, server in servers.items():
                client = client_for(stack, server.base_url, server.secret)
                client.register(f"bench-{stack}", PASSWORD)
                token = client.tokens(f"bench-{stack}", PASSWORD).access
                paths[stack, "bare"] = ("/bench/bare", {})
                paths[stack, "protected"] = ("/item/chair",
                                             {"Authorization": f"{client.prefix} {token}"})
            for (stack, _), (path, headers) in paths.items():  # warm up, not counted
                measure(servers[stack], path, headers, requests // 4)
            samples: dict[str, list[Sample]] = {}
            for number in range(rounds):  # many short rounds, every other one reversed:
                for stack, endpoint in SERIES[::1 if number % 2 else -1]:  # drift cancels
                    server = servers[stack.split()[0]]
                    path, headers = paths[stack.split()[0], endpoint]
                    samples.setdefault(f"{stack} {endpoint}", []).append(
                        measure(server, path, headers, requests))
        finally:
            for server in servers.values():
                server.stop()
    return {key: Sample(statistics.median(s.rps for s in got),
                        statistics.median(s.cpu_us for s in got)) for key, got in samples.items()}


def login_timing(rounds: int = 40) -> None:
    """Median login time, unknown user over wrong password, per app (1.00 = no leak)."""
    # 160 failed logins from one address: past the per-address cap, on purpose.
    no_cap = {"LOGIN_MAX_FAILURES_PER_CLIENT": "1000000"}
    with tempfile.TemporaryDirectory() as tmp, running_apps(Path(tmp), no_cap) as servers:
        world = world_for(servers, Path(tmp))
        with world.store:
            for name, client in world.clients.items():
                # A fresh account per attempt, so that throttling never answers instead.
                users = [world.register(client).name for _ in range(rounds)]
                unknown: list[float] = []
                wrong: list[float] = []
                for i, user in enumerate(users):
                    for series, username in ((unknown, f"nobody-{name}-{i}"), (wrong, user)):
                        began = time.perf_counter()
                        assert client.login(username, "not the password").status == 401
                        series.append(time.perf_counter() - began)
                u, w = statistics.median(unknown) * 1000, statistics.median(wrong) * 1000
                print(f"{name} login: unknown user {u:.1f} ms, wrong password {w:.1f} ms, "
                      f"ratio {u / w:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args(argv)
    login_timing()
    stores = ["sqlite"] + (["postgresql"] if postgres_server() else [])
    print(f"\n{'store':10} {'workers':>7} {'measured':20} {'CPU µs/req':>10} {'req/s':>7}")
    results, noisy = {}, []
    for store in stores:
        for workers in args.workers:
            got = bench(store == "postgresql", workers, args.rounds, args.requests)
            results[store, workers] = got
            for stack, endpoint in SERIES:
                s = got[f"{stack} {endpoint}"]
                print(f"{store:10} {workers:>7} {stack + ' ' + endpoint:20} {s.cpu_us:10.0f} "
                      f"{s.rps:7.0f}")
            control = got["v2 protected"].cpu_us / got["v2 again protected"].cpu_us
            print(f"{store:10} {workers:>7} {'control v2/v2':20} {control:10.2f}")
            if abs(control - 1) > 0.05:
                noisy.append(f"{store}, {workers} worker(s): control pair {control:.2f}")
    if noisy:
        print("TOO NOISY (control pair off by more than 5%): " + "; ".join(noisy))
    cpu = {key: s.cpu_us for key, s in results["sqlite", args.workers[0]].items()}
    print(f"\n(SQLite, {args.workers[0]} worker(s), from CPU time per request)")
    print(f"v2/v1 protected throughput: {cpu['v1 protected'] / cpu['v2 protected']:.2f}  "
          f"v2/bare: {cpu['v2 bare'] / cpu['v2 protected']:.2f}  "
          f"v1/bare: {cpu['v1 bare'] / cpu['v1 protected']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
