"""Both apps under gunicorn with 4 workers each, on a fresh store (SQLite, or PostgreSQL under
make test-postgres), and a way to talk to one chosen worker.

gunicorn hands a new connection to whichever worker accepts it first, and sequential requests
mostly land on one worker. A keep-alive connection stays with the worker that accepted it, and
the access log names that worker's pid, so: open connections together until every worker holds
one, then send each request on the connection of the worker it is meant for."""

import http.client
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from sidebyside.matrix import world_for
from sidebyside.scenarios import World
from sidebyside.servers import AppServer, GunicornServer, running_apps

WORKERS = 4
ACCESS_LOG = {"GUNICORN_ACCESS_LOG": "-"}
_probes = count(1)


@dataclass
class Reply:
    status: int
    body: dict


class WorkerLink:
    """One keep-alive connection, held by one known worker."""

    def __init__(self, connection: http.client.HTTPConnection, pid: int):
        self.connection, self.pid = connection, pid

    def send(self, method: str, path: str, token: str | None = None, prefix: str = "Bearer",
             body: dict | None = None) -> Reply:
        headers = {"Authorization": f"{prefix} {token}"} if token else {}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body), "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return Reply(response.status, json.loads(response.read() or b"{}"))


def link_every_worker(server: AppServer, workers: int, rounds: int = 80) -> dict[int, WorkerLink]:
    """A keep-alive connection to each worker of a gunicorn server (ACCESS_LOG on). On a
    loaded machine one worker may win every accept of a burst: the rounds go on (a pause
    between them lets the others wake), and stop as soon as every worker is reached."""
    assert isinstance(server, GunicornServer)
    links: dict[int, WorkerLink] = {}
    for _ in range(rounds):
        batch = {next(_probes): http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
                 for _ in range(16)}
        start = threading.Barrier(len(batch))

        def probe(tag: int, connection: http.client.HTTPConnection,
                  start: threading.Barrier = start) -> None:
            start.wait()  # together, so that several workers race to accept
            connection.request("GET", f"/items?probe={tag}")
            connection.getresponse().read()

        threads = [threading.Thread(target=probe, args=item) for item in batch.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=15)
        served = _served_by(server, set(batch))
        for tag, connection in batch.items():
            pid = served.get(tag)
            if pid is not None and pid not in links:
                links[pid] = WorkerLink(connection, pid)
            else:
                connection.close()
        if len(links) == workers:
            return links
        time.sleep(0.2)
    raise AssertionError(f"reached {len(links)} of {workers} workers")


def _served_by(server: AppServer, tags: set[int]) -> dict[int, int]:
    deadline = time.monotonic() + 5
    while True:  # the access log is written just after the answer
        found = {int(tag): int(pid) for pid, tag in
                 re.findall(r'^<(\d+)> "GET /items\?probe=(\d+) ', server.log(100_000), re.M)}
        if tags <= set(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


@pytest.fixture
def connect_workers() -> Iterator[Callable[[AppServer, int], list[WorkerLink]]]:
    """connect_workers(server, workers): a keep-alive connection to each worker, closed after
    the test."""
    made: list[dict[int, WorkerLink]] = []

    def connect(server: AppServer, workers: int) -> list[WorkerLink]:
        made.append(link_every_worker(server, workers))
        return list(made[-1].values())

    yield connect
    for found in made:
        for link in found.values():
            link.connection.close()


@pytest.fixture(scope="module")
def worker_servers(tmp_path_factory) -> Iterator[dict[str, AppServer]]:
    workdir: Path = tmp_path_factory.mktemp("workers")
    with running_apps(workdir, ACCESS_LOG, workers=WORKERS) as servers:
        yield servers


@pytest.fixture(scope="module")
def worker_world(worker_servers: dict[str, AppServer], tmp_path_factory) -> Iterator[World]:
    world = world_for(worker_servers, tmp_path_factory.mktemp("world"))
    with world.store:
        yield world
