"""make bench: what the migration costs per request, both apps under gunicorn.conf.py.

Per stack: a bare Flask-RESTful endpoint (the ceiling) and the protected GET /item/<name> with
the full auth path, measured as the workers' CPU time per request (stable) beside requests/s
(not), for 1, 2 and 4 workers, on SQLite and, when STORE_TEST_POSTGRES is set (make bench
starts a throwaway cluster when PostgreSQL is installed), on PostgreSQL. v2's protected path
is measured twice per round: that control pair must agree within 5%, else the run is noisy.
Then login timing: unknown user vs wrong password.

With --upstream (make bench-upstream), v2's protected path is measured twice more, on
throwaway copies of .venv-v2 that carry the upstream patches (upstream/: Flask-JWT-Extended
decoding a request's token once, then PyJWT's faster base64url check as well), in the same
rounds, beside the same control pair; SQLite only, no login timing.

python -m sidebyside.bench [--rounds 9] [--requests 500] [--workers 1 2 4] [--upstream]
"""

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
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
# --upstream: v2 served from a throwaway environment with the patches (upstream/envs.py).
UPSTREAM = {"v2 patched FJE": "patched-fje", "v2 patched FJE+PyJWT": "patched-fje-pyjwt"}
UPSTREAM_SERIES = SERIES + [(stack, "protected") for stack in UPSTREAM]


def server_of(stack: str) -> str:
    """The server a series measures ("v2 again" is v2 measured twice)."""
    return stack.removesuffix(" again")


@dataclass
class PatchedServer(GunicornServer):
    """v2 under gunicorn from another environment (a throwaway copy with patched libraries)."""

    interpreter: Path | None = None

    @property
    def python(self) -> Path:
        return self.interpreter or super().python


def start(stack: str, db_url: str, workers: int, log: Path,
          interpreter: Path | None = None) -> GunicornServer:
    # One user logs in for the whole run: no throttling here.
    env = {**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32),
           "LOGIN_MAX_FAILURES": "1000000000"}
    app = "v2" if interpreter else stack
    server = PatchedServer(app, env, log, workers=workers, interpreter=interpreter,
                           app_spec=f'sidebyside.bench_wsgi:create_app("{app}")')
    server.start()
    server.wait_ready()
    return server


def bench(postgres: bool, workers: int, rounds: int, requests: int,
          interpreters: dict[str, Path] | None = None,
          series: list[tuple[str, str]] = SERIES,
          each_round: dict[str, list[Sample]] | None = None) -> dict[str, Sample]:
    """interpreters: {stack: python} of the extra v2 servers the series name (--upstream);
    each_round, when given, receives every round's sample of each series, in order."""
    with tempfile.TemporaryDirectory() as tmp, fresh_store_url(Path(tmp), postgres=postgres) \
            as db_url:
        with Store(db_url) as store:
            store.init_schema()
            store.create_item("chair", 12.5)
        servers: dict[str, GunicornServer] = {}
        try:
            for number, s in enumerate(("v1", "v2", *(interpreters or {}))):
                servers[s] = start(s, db_url, workers, Path(tmp) / f"{number}.log",
                                   (interpreters or {}).get(s))
            paths: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
            for number, (stack, server) in enumerate(servers.items()):
                client = client_for(server.name, server.base_url, server.secret)
                client.register(f"bench-{number}", PASSWORD)
                token = client.tokens(f"bench-{number}", PASSWORD).access
                paths[stack, "bare"] = ("/bench/bare", {})
                paths[stack, "protected"] = ("/item/chair",
                                             {"Authorization": f"{client.prefix} {token}"})
            for stack, endpoint in dict.fromkeys((server_of(s), e) for s, e in series):
                path, headers = paths[stack, endpoint]  # warm up, not counted
                measure(servers[stack], path, headers, requests // 4)
            samples: dict[str, list[Sample]] = {}
            for number in range(rounds):  # many short rounds, every other one reversed:
                for stack, endpoint in series[::1 if number % 2 else -1]:  # drift cancels
                    server = servers[server_of(stack)]
                    path, headers = paths[server_of(stack), endpoint]
                    samples.setdefault(f"{stack} {endpoint}", []).append(
                        measure(server, path, headers, requests))
        finally:
            for server in servers.values():
                server.stop()
    if each_round is not None:
        each_round.update(samples)
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


def paired(each_round: dict[str, list[Sample]], over: str, under: str) -> float:
    """CPU per request of `over` / `under`, each round's pair (measured within seconds of each
    other), median over the rounds: a burst of other load on a shared machine then skews one
    round's pair, not a whole series."""
    return statistics.median(a.cpu_us / b.cpu_us for a, b in
                             zip(each_round[over], each_round[under], strict=True))


def upstream(rounds: int, requests: int, workers: list[int]) -> int:
    """make bench-upstream: v1, v2 stock and v2 on the patched libraries, same rounds."""
    from upstream.envs import build, library_versions

    interpreters = {stack: build(variant) for stack, variant in UPSTREAM.items()}
    for stack, python in interpreters.items():
        versions = ", ".join(f"{d} {v}" for d, v in library_versions(python).items())
        print(f"{stack}: {python.parent.parent.name} ({versions}, patched as upstream/ says)")
    print(f"\n{'store':10} {'workers':>7} {'measured':28} {'CPU µs/req':>10} {'req/s':>7}")
    ratios: dict[int, dict[str, float]] = {}
    best: dict[int, dict[str, float]] = {}
    for count in workers:
        each_round: dict[str, list[Sample]] = {}
        got = bench(False, count, rounds, requests, interpreters, UPSTREAM_SERIES, each_round)
        for stack, endpoint in UPSTREAM_SERIES:
            s = got[f"{stack} {endpoint}"]
            print(f"{'sqlite':10} {count:>7} {stack + ' ' + endpoint:28} {s.cpu_us:10.0f} "
                  f"{s.rps:7.0f}")
        ratios[count] = {
            "stock": paired(each_round, "v1 protected", "v2 protected"),
            "control": paired(each_round, "v2 protected", "v2 again protected"),
            **{stack: paired(each_round, "v1 protected", f"{stack} protected")
               for stack in UPSTREAM}}
        print(f"{'sqlite':10} {count:>7} {'control v2/v2':28} {ratios[count]['control']:10.2f}")
        # The least disturbed round of each series (the minimum filters out other load).
        least = {key: min(s.cpu_us for s in got) for key, got in each_round.items()}
        best[count] = {"stock": least["v1 protected"] / least["v2 protected"],
                       **{stack: least["v1 protected"] / least[f"{stack} protected"]
                          for stack in UPSTREAM}}
    noisy = [f"{count} worker(s): control pair {r['control']:.2f}"
             for count, r in ratios.items() if abs(r["control"] - 1) > 0.05]
    if noisy:
        print("TOO NOISY (control pair off by more than 5%): " + "; ".join(noisy))
    r, b = ratios[workers[0]], best[workers[0]]
    more = {name: 1 / ratio - 1 for name, ratio in r.items() if name != "control"}
    print(f"\n(SQLite, {workers[0]} worker(s), from CPU time per request: the median over "
          f"the rounds of each round's ratio)")
    print(f"best rounds (each series' least CPU per request): v2/v1 {b['stock']:.2f} stock, "
          f"{b['v2 patched FJE']:.2f} patched FJE, {b['v2 patched FJE+PyJWT']:.2f} "
          f"patched FJE+PyJWT")
    print(f"v2's extra CPU per protected request over v1: {more['stock']:+.0%} stock, "
          f"{more['v2 patched FJE']:+.0%} patched FJE, "
          f"{more['v2 patched FJE+PyJWT']:+.0%} patched FJE+PyJWT")
    print(f"v2/v1 protected: {r['stock']:.2f} stock, {r['v2 patched FJE']:.2f} patched FJE, "
          f"{r['v2 patched FJE+PyJWT']:.2f} patched FJE+PyJWT (control v2/v2 "
          f"{r['control']:.2f})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--upstream", action="store_true",
                        help="add v2 on the patched libraries of upstream/ (SQLite only)")
    args = parser.parse_args(argv)
    if args.upstream:
        return upstream(args.rounds, args.requests, args.workers)
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
