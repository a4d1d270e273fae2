"""make bench: what the migration costs per request, both apps under the same gunicorn setup.

Per stack: a bare Flask-RESTful endpoint (the ceiling), the protected GET /item/<name> with
the full auth path, and login. Rounds alternate the stacks; each figure is the median of the
rounds. A second part measures login timing: unknown user vs wrong password.

python -m sidebyside.bench [--rounds 3] [--seconds 3] [--workers 1]
"""

import argparse
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from shared import Store
from sidebyside.clients import client_for
from sidebyside.servers import GunicornServer, server_env

PASSWORD = "correct horse battery"


@dataclass
class Sample:
    rps: float
    p50_ms: float
    p99_ms: float


def send(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def load(port: int, request: bytes, seconds: float, connections: int = 4) -> Sample:
    """A bounded closed-loop load: `connections` clients send for `seconds`, one request per
    TCP connection (gunicorn's sync workers close each one). Stdlib only."""
    latencies: list[float] = []
    errors: list[bytes] = []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        mine = []
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            data = send(port, request)
            if not data.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")):
                errors.append(data[:200])
            mine.append(time.perf_counter() - start)
        latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[0]!r}")
    latencies.sort()
    return Sample(len(latencies) / elapsed, latencies[len(latencies) // 2] * 1000,
                  latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000)


def http_request(method: str, path: str, headers: dict[str, str] | None = None,
                 body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def start_gunicorn(stack: str, db_url: str, workers: int, log: Path) -> GunicornServer:
    # The benchmark logs in hundreds of times as one user: no throttling here.
    env = {**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32),
           "LOGIN_MAX_FAILURES": "1000000000"}
    server = GunicornServer(stack, env, log, workers=workers,
                            app_spec=f'sidebyside.bench_wsgi:create_app("{stack}")')
    server.start()
    server.wait_ready()
    return server


def bench(rounds: int, seconds: float, workers: int) -> dict[tuple[str, str], Sample]:
    results: dict[tuple[str, str], list[Sample]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        with Store(db_url) as store:
            store.init_schema()
            store.create_item("chair", 12.5)
        servers = {s: start_gunicorn(s, db_url, workers, Path(tmp) / f"{s}.log")
                   for s in ("v1", "v2")}
        try:
            requests = {}
            for stack, server in servers.items():
                client = client_for(stack, f"http://127.0.0.1:{server.port}", server.secret)
                client.register(f"bench-{stack}", PASSWORD)
                token = client.tokens(f"bench-{stack}", PASSWORD).access
                credentials = (f'{{"username": "bench-{stack}", "password": "{PASSWORD}"}}'
                               .encode())
                requests[stack] = {
                    "bare": http_request("GET", "/bench/bare"),
                    "protected": http_request("GET", "/item/chair",
                                              {"Authorization": f"{client.prefix} {token}"}),
                    "login": http_request("POST", client.login_path,
                                          {"Content-Type": "application/json"}, credentials),
                }
            for number in range(rounds):
                order = ("v1", "v2") if number % 2 == 0 else ("v2", "v1")
                for stack in order:  # only one stack is loaded at a time
                    for endpoint, request in requests[stack].items():
                        duration = seconds if endpoint != "login" else seconds / 2
                        sample = load(servers[stack].port, request, duration)
                        results.setdefault((stack, endpoint), []).append(sample)
                print(f"round {number + 1}/{rounds} done", file=sys.stderr)
        finally:
            for server in servers.values():
                server.stop()
    return {key: Sample(statistics.median(s.rps for s in samples),
                        statistics.median(s.p50_ms for s in samples),
                        statistics.median(s.p99_ms for s in samples))
            for key, samples in results.items()}


def login_timing(rounds: int = 40) -> dict[str, float]:
    """Median login time, unknown user over wrong password, per app (1.00 = no leak)."""
    from sidebyside.matrix import world_for
    from sidebyside.servers import running_apps

    ratios = {}
    with tempfile.TemporaryDirectory() as tmp, running_apps(Path(tmp)) as servers:
        world = world_for(servers, Path(tmp))
        for name, client in world.clients.items():
            # A fresh account per attempt, so that throttling never answers instead.
            users = [world.register(client).name for _ in range(rounds)]
            unknown, wrong = [], []
            for i, user in enumerate(users):
                for series, username in ((unknown, f"nobody-{name}-{i}"), (wrong, user)):
                    start = time.perf_counter()
                    answer = client.login(username, "not the password")
                    series.append(time.perf_counter() - start)
                    assert answer.status == 401, answer.body
            ratios[name] = statistics.median(unknown) / statistics.median(wrong)
            print(f"{name} login: unknown user {statistics.median(unknown) * 1000:.1f} ms, "
                  f"wrong password {statistics.median(wrong) * 1000:.1f} ms, "
                  f"ratio {ratios[name]:.2f}")
    return ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    login_timing()
    results = bench(args.rounds, args.seconds, args.workers)
    print(f"\n{'stack':5} {'endpoint':10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for (stack, endpoint), s in sorted(results.items()):
        print(f"{stack:5} {endpoint:10} {s.rps:8.0f} {s.p50_ms:8.2f} {s.p99_ms:8.2f}")
    r = {k: s.rps for k, s in results.items()}
    print(f"\nv2/v1 protected throughput: {r['v2', 'protected'] / r['v1', 'protected']:.2f}  "
          f"v2/bare: {r['v2', 'protected'] / r['v2', 'bare']:.2f}  "
          f"v1/bare: {r['v1', 'protected'] / r['v1', 'bare']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
