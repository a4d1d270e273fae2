"""Beyond one process: what one worker learns, every worker knows at once, because it lives in
the shared store (SQLite here, PostgreSQL under make test-postgres); and the course's
in-memory blocklist, which does not."""

import os
import secrets
import subprocess
import threading
from pathlib import Path

from sidebyside.scenarios import PASSWORD, World
from sidebyside.servers import REPO, AppServer, GunicornServer, server_env, venv_python
from tests.workers.conftest import ACCESS_LOG, WORKERS


def test_a_logout_on_one_v2_worker_is_refused_by_every_worker_at_once(
        worker_servers: dict[str, AppServer], worker_world: World, connect_workers):
    v2 = worker_world.clients["v2"]
    tokens = v2.tokens(worker_world.register(v2).name, PASSWORD)
    links = connect_workers(worker_servers["v2"], WORKERS)
    assert all(link.send("GET", "/items", tokens.access).status == 200 for link in links)
    assert links[0].send("POST", "/logout", tokens.access).status == 200
    for link in links:  # the one that logged out, and every other, with no delay
        answer = link.send("GET", "/items", tokens.access)
        assert (answer.status, answer.body.get("error")) == (401, "token_revoked"), link.pid
        refresh = link.send("POST", "/refresh", tokens.refresh)
        assert (refresh.status, refresh.body.get("error")) == (401, "token_revoked"), link.pid


def test_failed_logins_count_across_workers(worker_servers: dict[str, AppServer],
                                            worker_world: World, connect_workers):
    v1 = worker_world.clients["v1"]
    name = worker_world.register(v1).name
    links = connect_workers(worker_servers["v1"], WORKERS)
    wrong = {"username": name, "password": "wrong guess"}
    for i in range(10):  # round-robin: no worker sees more than 3 of the 10
        assert links[i % len(links)].send("POST", "/auth", body=wrong).status == 401
    for link in links:
        answer = link.send("POST", "/auth", body={"username": name, "password": PASSWORD})
        assert (answer.status, answer.body.get("error")) == (429, "too_many_attempts"), link.pid


def test_an_admin_grant_by_the_cli_is_seen_by_every_v1_worker_at_once(
        worker_servers: dict[str, AppServer], worker_world: World, connect_workers):
    v1 = worker_world.clients["v1"]
    user = worker_world.register(v1)
    token = v1.tokens(user.name, PASSWORD).access
    links = connect_workers(worker_servers["v1"], WORKERS)
    items = [worker_world.stock_item() for _ in links]
    assert links[0].send("DELETE", f"/item/{items[0]}", token, prefix="JWT").status == 403
    cli = subprocess.run(
        [str(venv_python("v1")), "-m", "shared", "admin", "grant", user.name], cwd=REPO,
        env={**os.environ, "DATABASE_URL": worker_servers["v1"].env["DATABASE_URL"]},
        capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    for link, item in zip(links, items, strict=True):  # the same token, on every worker
        assert link.send("DELETE", f"/item/{item}", token, prefix="JWT").status == 200, link.pid


def test_fifty_concurrent_duplicate_registrations_across_two_apps_and_eight_workers(
        worker_servers: dict[str, AppServer], worker_world: World, connect_workers):
    clients = list(worker_world.clients.values())
    start = threading.Barrier(50)
    statuses: list[int] = []

    def register(i: int) -> None:
        start.wait()
        answer = clients[i % 2].register("Rush" if i % 3 else "RUSH", PASSWORD)
        statuses.append(answer.status)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [201] + [409] * 49, statuses
    assert [u.username.lower() for u in worker_world.store.list_users()].count("rush") == 1
    assert [len(s.worker_pids()) for s in worker_servers.values()
            if isinstance(s, GunicornServer)] == [WORKERS, WORKERS]


def test_the_courses_in_memory_blocklist_lets_a_logged_out_token_through(tmp_path: Path,
                                                                          connect_workers):
    """The lesson behind v2's blocklist.py: a set() in one worker is not a logout."""
    env = {**server_env("sqlite:///unused.db"), "JWT_SECRET_KEY": secrets.token_hex(32),
           **ACCESS_LOG}
    course = GunicornServer("v2", env, tmp_path / "course.log", workers=2,
                            app_spec="tests.workers.course_blocklist_app:app")
    course.start()
    try:
        course.wait_ready()
        links = connect_workers(course, 2)
        token = links[0].send("POST", "/login").body["access_token"]
        assert links[0].send("POST", "/logout", token).status == 200
        assert links[0].send("GET", "/items", token).status == 401  # this worker knows...
        assert links[1].send("GET", "/items", token).status == 200  # ...the other does not
    finally:
        course.stop()
