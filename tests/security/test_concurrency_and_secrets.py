"""Concurrent writes across both apps, startup refusal of unsafe secrets, throttling."""

import threading
import time
from pathlib import Path

import pytest

from sidebyside.scenarios import PASSWORD, World
from sidebyside.servers import AppServer, server_env
from tests.security.rules import check_answer


def test_fifty_concurrent_registrations_of_one_name_across_both_apps(world: World):
    clients = list(world.clients.values())
    barrier = threading.Barrier(50)
    answers = []

    def register(i: int) -> None:
        barrier.wait()  # all 50 requests leave together
        # alternate apps and spellings: all are one username
        answers.append(clients[i % 2].register("Contested" if i % 3 else "CONTESTED", PASSWORD))

    threads = [threading.Thread(target=register, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 50
    for answer in answers:
        check_answer(answer)
    statuses = sorted(a.status for a in answers)
    assert statuses.count(201) == 1 and statuses.count(409) == 49, statuses
    assert [u.username.lower() for u in world.store.list_users()].count("contested") == 1


def start_app(name: str, tmp_path: Path, db_url: str, **env: str) -> AppServer:
    server = AppServer(name, {**server_env(db_url),
                              "APP_INSTANCE_DIR": str(tmp_path / "instance"), **env},
                       tmp_path / f"{name}.log")
    server.start()
    return server


UNSAFE_SECRETS = [None, "", "jose", "secret", "super-secret", "changeme", "JOSE", "y" * 31]


@pytest.mark.parametrize("app", ["v1", "v2"])
def test_app_refuses_to_start_with_a_missing_default_or_short_secret(app, tmp_path, db_url):
    servers = []  # started together: each start costs an interpreter's import time
    for i, secret in enumerate(UNSAFE_SECRETS):
        env = {} if secret is None else {"JWT_SECRET_KEY": secret}
        (tmp_path / str(i)).mkdir()
        servers.append((secret, start_app(app, tmp_path / str(i), db_url, **env)))
    for secret, server in servers:
        assert server.process.wait(timeout=30) != 0, secret
        assert "refusing to start: JWT_SECRET_KEY" in server.log(), secret
        assert "Traceback" not in server.log()


@pytest.mark.parametrize("app", ["v1", "v2"])
def test_dev_mode_generates_a_secret_per_app_under_the_instance_folder(app, tmp_path, db_url):
    server = start_app(app, tmp_path, db_url, APP_DEV_MODE="1")
    try:
        server.wait_ready()
    finally:
        server.stop()
    key_file = tmp_path / "instance" / f"{app}-jwt-secret"
    assert len(key_file.read_text().strip()) == 64
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("app", ["v1", "v2"])
def test_dev_mode_refuses_a_weak_secret_too(app, tmp_path, db_url):
    """A dev server that signs with 'jose' accepts tokens anyone can forge."""
    server = start_app(app, tmp_path, db_url, APP_DEV_MODE="1", JWT_SECRET_KEY="jose")
    assert server.process.wait(timeout=30) != 0
    assert "JWT_SECRET_KEY refused: it is a well-known default secret" in server.log()
    assert not (tmp_path / "instance" / f"{app}-jwt-secret").exists()


def test_throttled_login_says_when_to_retry(world: World):
    v1, v2 = world.clients["v1"], world.clients["v2"]
    user = world.register(v1)
    for i in range(10):
        (v1 if i % 2 else v2).login(user.name, "wrong password")
    started = time.time()
    for client in (v1, v2):
        answer = client.login(user.name, PASSWORD)
        check_answer(answer)
        assert (answer.status, answer.error) == (429, "too_many_attempts")
        assert 0 < int(answer.headers["Retry-After"]) <= 900
    assert time.time() - started < 1  # refused before any password hashing
