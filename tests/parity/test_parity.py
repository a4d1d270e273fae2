"""The parity suite: every scenario of the catalogue against both real servers."""

import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sidebyside.load import http_request, send
from sidebyside.matrix import embedded_matrix, outcomes, render_matrix
from sidebyside.scenarios import CATALOGUE, CHAPTERS, VERDICTS, Scenario
from sidebyside.servers import REPO, AppServer, GunicornServer, running_apps, server_env


def logs(servers: dict[str, AppServer]) -> str:
    """What a failing scenario shows after its first line: the last 30 lines of each log."""
    return "\n".join(f"--- {name} server log (last 30 lines) ---\n{s.log(last_lines=30)}"
                     for name, s in servers.items())


@pytest.mark.parametrize("sc", CATALOGUE, ids=lambda sc: sc.key)
def test_scenario(sc: Scenario, results, servers):
    result = results[sc.key]
    if isinstance(result, BaseException):
        pytest.fail(f"{sc.key} raised {result!r}\n{logs(servers)}")
    got = outcomes(result)
    expected = {app: sc.expected(app) for app in ("v1", "v2") if sc.expected(app) is not None}
    assert got == expected, (
        f"{sc.title}: expected {expected}, got {got}\n"
        + "\n".join(f"{app}: {ex.body[:300]!r}" for app, ex in result.items())
        + f"\n{logs(servers)}"
    )
    for app, exchange in result.items():
        assert exchange.status < 500, logs(servers)
        assert exchange.headers.get("Content-Type", "").startswith("application/json")
        if exchange.status >= 400:
            assert set(exchange.json) == {"message", "error"}, exchange.json
        if exchange.status == 401:
            scheme = "JWT" if app == "v1" else "Bearer"
            assert exchange.headers["WWW-Authenticate"].startswith(f"{scheme} realm=")


@pytest.mark.parametrize("sc", CATALOGUE, ids=lambda sc: sc.key)
def test_declared_verdict_is_consistent(sc: Scenario):
    assert sc.verdict in VERDICTS and sc.chapter in CHAPTERS
    if sc.verdict == "same":
        assert sc.v1 == sc.v2 and not sc.reason
    elif sc.verdict == "differs":
        assert sc.v1 is not None and sc.v2 is not None and sc.v1 != sc.v2 and sc.reason
    else:
        assert sc.reason, "say what the other library lacks"
        assert (sc.v2 if sc.verdict == "v2_only" else sc.v1) is not None


def test_catalogue_is_in_teaching_order_and_keys_are_unique():
    order = [CHAPTERS.index(sc.chapter) for sc in CATALOGUE]
    assert order == sorted(order)
    assert len({sc.key for sc in CATALOGUE}) == len(CATALOGUE)


def test_migration_notes_embed_the_matrix_the_suite_produces(results):
    notes = (REPO / "migration_notes.md").read_text()
    embedded = embedded_matrix(notes)
    assert embedded is not None, "migration_notes.md lacks the parity-matrix markers"
    assert embedded == render_matrix(results), "stale matrix: run `make parity-matrix`"


def test_servers_run_in_production_configuration(servers):
    for server in servers.values():
        log = server.log(last_lines=1000)
        if isinstance(server, GunicornServer):  # make test-postgres: gunicorn, N workers
            assert "Using worker: gthread" in log and len(server.worker_pids()) == server.workers
        else:
            assert "Debug mode: off" in log
        assert server.process is not None and server.process.poll() is None


def test_a_failing_block_still_stops_both_servers(tmp_path: Path):
    started: dict[str, AppServer] = {}
    with pytest.raises(RuntimeError, match="scenario blew up"), running_apps(tmp_path) as s:
        started.update(s)
        raise RuntimeError("scenario blew up")
    for server in started.values():
        assert server.process.poll() is not None
        assert not _alive(server.process.pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0) until reaped; it no longer runs.
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


def test_a_killed_harness_leaves_no_server_behind(tmp_path: Path):
    """SIGKILL gives the harness no chance to clean up: the servers must still go."""
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from sidebyside.servers import running_apps
        with running_apps(Path({str(tmp_path)!r})) as servers:
            print(" ".join(str(s.process.pid) for s in servers.values()), flush=True)
            time.sleep(120)
    """)
    with subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                          stdout=subprocess.PIPE, text=True) as harness:
        pids = [int(p) for p in harness.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        harness.send_signal(signal.SIGKILL)
        harness.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


@pytest.mark.parametrize("stack", ["v1", "v2"])
def test_statuses_under_gunicorn(stack, tmp_path: Path, db_url: str):
    """The trap shows only under a production server: the contract under gunicorn, with the
    production settings of gunicorn.conf.py."""
    server = GunicornServer(stack, {**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32)},
                            tmp_path / "gunicorn.log", workers=2)
    server.start()
    try:
        server.wait_ready()
        prefix = "JWT" if stack == "v1" else "Bearer"
        for headers, code in [({}, b"authorization_required"),
                              ({"Authorization": f"{prefix} garbage"}, b"invalid_token")]:
            answer = send(server.port, http_request("GET", "/item/chair", headers))
            assert answer.startswith(b"HTTP/1.1 401"), answer[:300]
            assert b"application/json" in answer and code in answer, answer[:300]
    finally:
        server.stop()


def test_a_server_log_is_shown_without_terminal_colours(tmp_path: Path):
    log = tmp_path / "v1.log"
    log.write_text("".join(f'\x1b[33mGET /items HTTP/1.1\x1b[0m" {i}\n' for i in range(50)))
    shown = AppServer("v1", {}, log).log(last_lines=30)
    assert "\x1b" not in shown and len(shown.splitlines()) == 30
    assert shown.splitlines()[-1] == 'GET /items HTTP/1.1" 49'
