"""Load for `make bench` and the gunicorn checks: raw HTTP requests, a bounded closed loop over
keep-alive connections, and the CPU time a server's workers spent answering it.

CPU time per request is what `make bench` compares: on a shared 2-core machine requests/s
swing with whatever else runs, while the workers' own CPU time per request stays put.
"""

import http.client
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sidebyside.servers import GunicornServer


def http_request(method: str, path: str, headers: dict[str, str] | None = None,
                 body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def send(port: int, request: bytes) -> bytes:
    """One raw request on its own connection; the whole answer, status line first."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def worker_cpu_seconds(server: GunicornServer) -> float:
    """CPU time the server's workers have run, all their threads, in nanoseconds' precision
    (/proc/<pid>/task/<tid>/schedstat; utime/stime count 10 ms ticks)."""
    total = 0
    for pid in server.worker_pids():
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue  # a thread that ended meanwhile
    return total / 1e9


@dataclass
class Sample:
    rps: float
    cpu_us: float  # workers' CPU time per request


def measure(server: GunicornServer, path: str, headers: dict[str, str],
            requests: int = 500, connections: int = 4) -> Sample:
    """`requests` GETs over `connections` keep-alive connections, all expected to be 200."""
    failures: list[str] = []

    def client(count: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            for _ in range(count):
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    failures.append(f"{response.status} {body[:200]!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(requests // connections,))
               for _ in range(connections)]
    cpu_before, began = worker_cpu_seconds(server), time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed, cpu = time.perf_counter() - began, worker_cpu_seconds(server) - cpu_before
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests to {path}, e.g. {failures[0]}")
    done = requests // connections * connections
    return Sample(done / elapsed, cpu / done * 1e6)
