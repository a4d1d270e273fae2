"""Start both apps as real servers on 127.0.0.1, each with its own venv's interpreter,
production configuration, one shared database and separate secrets; stop them by PID."""

import contextlib
import ctypes
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPS = {"v1": "v1_basic_jwt", "v2": "v2_jwt_extended"}
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def venv_prefix() -> str:
    """The name prefix of the environments beside the one running now: `make` builds
    .venv-v1/.venv-v2 for the default python3, and .venv-py3.12-v1/-v2 for PYTHON=python3.12
    (see the Makefile), so the pair that runs the tests starts the servers too."""
    current = Path(sys.prefix).name
    return current[:-2] if current.endswith(("-v1", "-v2")) else ".venv-"


def venv_python(stack: str, root: Path = REPO) -> Path:
    """The interpreter of a stack's environment (v1, v2, fje3) under `root`."""
    return root / f"{venv_prefix()}{stack}" / "bin" / "python"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent() -> None:
    """In the child, before exec: if the harness dies (even by SIGKILL), the kernel sends the
    server SIGTERM, so no server outlives the test run that started it."""
    if sys.platform == "linux":
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ServerDidNotStart(RuntimeError):
    """A server exited, or never answered, during start-up (its log says why)."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


@dataclass
class AppServer:
    name: str  # "v1" or "v2"
    env: dict[str, str]
    log_path: Path
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)
    # Another app in this stack's role (make grade: a learner's package, found on pythonpath).
    module: str = ""
    pythonpath: str = ""
    cwd: Path = REPO  # a stand-in runs from its own folder: the reference is not importable

    @property
    def python(self) -> Path:
        return venv_python(self.name)

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError(f"{self.name} was never started")
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def secret(self) -> str:
        return self.env["JWT_SECRET_KEY"]

    def argv(self) -> list[str]:
        """The command that serves the app on self.port (the bench runs gunicorn instead)."""
        return [str(self.python), "-m", self.module or APPS[self.name]]

    def start(self) -> None:
        self.port = self.port or free_port()  # a port given in advance, else any free one
        env = {**self.env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        if self.pythonpath:
            env["PYTHONPATH"] = self.pythonpath
        with self.log_path.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                self.argv(), cwd=self.cwd, env=env,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, preexec_fn=die_with_parent,
            )

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Ready = the first JSON-serving request succeeds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ServerDidNotStart(self.name,
                                        f"{self.name} exited during start-up:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/items", timeout=2) as r:
                    if r.status == 200 and r.headers.get_content_type() == "application/json":
                        return
            except urllib.error.HTTPError:
                if self.module:  # a stand-in that answers is up: grading says what is wrong
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise ServerDidNotStart(self.name,
                                f"{self.name} not ready after {timeout:.0f} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log(self, last_lines: int = 60) -> str:
        """The end of the server's log, without terminal colour codes (Werkzeug's)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(ANSI_ESCAPE.sub("", text).splitlines()[-last_lines:])


@dataclass
class GunicornServer(AppServer):
    """One app under gunicorn with the production settings of gunicorn.conf.py."""

    workers: int = 2
    app_spec: str = ""  # default: the app's own factory

    def argv(self) -> list[str]:
        gunicorn = self.python.parent / "gunicorn"
        spec = self.app_spec or f"{self.module or APPS[self.name]}.app:create_app()"
        return [str(gunicorn), "-c", str(REPO / "gunicorn.conf.py"), "--workers",
                str(self.workers), "--bind", f"127.0.0.1:{self.port}", spec]

    def worker_pids(self) -> set[int]:
        """The worker processes (children of the master)."""
        if self.process is None:
            return set()
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


# The harness registers hundreds of users from 127.0.0.1 (each scenario its own): the
# per-address registration cap (REGISTER_MAX_PER_CLIENT, 50 a window by default) would end a
# parity run. The cap's own tests start servers with a small one.
HARNESS_DEFAULTS = {"REGISTER_MAX_PER_CLIENT": "1000000"}


def server_env(db_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("APP_DEV_MODE", "JWT_SECRET_KEY", "PYTHONPATH", "JWT_KEYRING",
                        "LEGACY_JWT_SECRET_KEY", "LEGACY_TOKENS_UNTIL")}
    return {**HARNESS_DEFAULTS, **env, "DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1",
            **(extra or {})}


def workers_from_env() -> int:
    """APP_SERVER_WORKERS=N serves each app under gunicorn with N workers (make
    test-postgres); unset or 0, with `python -m` (Werkzeug's threaded server)."""
    return int(os.environ.get("APP_SERVER_WORKERS") or 0)


@contextlib.contextmanager
def running_apps(workdir: Path, extra_env: Mapping[str, str] | None = None,
                 workers: int | None = None, bridge_until: str | None = None,
                 ports: Mapping[str, int] | None = None,
                 stand_ins: Mapping[str, tuple[str, str, Path]] | None = None
                 ) -> Iterator[dict[str, AppServer]]:
    """Both apps on one fresh store, each with its own secret, stopped on the way out.
    bridge_until: v2 opens the cut-over bridge for v1's tokens until then (ISO-8601).
    stand_ins: {"v2": (package, pythonpath, folder)} serves another package in that app's
    role and environment, from its own folder (make grade: a learner's migration)."""
    from shared import Store
    from sidebyside.databases import fresh_store_url

    workdir.mkdir(parents=True, exist_ok=True)
    workers = workers_from_env() if workers is None else workers
    with fresh_store_url(workdir) as db_url:
        servers: dict[str, AppServer] = {}
        for name in APPS:
            env = {**server_env(db_url, extra_env), "JWT_SECRET_KEY": secrets.token_hex(32)}
            log = workdir / f"{name}.log"
            if name == "v2" and bridge_until:
                env.update(LEGACY_JWT_SECRET_KEY=servers["v1"].secret,
                           LEGACY_TOKENS_UNTIL=bridge_until)
            port = (ports or {}).get(name, 0)
            module, pythonpath, cwd = (stand_ins or {}).get(name, ("", "", REPO))
            servers[name] = (GunicornServer(name, env, log, port, module=module,
                                            pythonpath=pythonpath, cwd=cwd, workers=workers)
                             if workers else AppServer(name, env, log, port, module=module,
                                                       pythonpath=pythonpath, cwd=cwd))
        try:
            # Create the schema once, so two first starts do not race on CREATE TABLE.
            with Store(db_url) as store:
                store.init_schema()
            for server in servers.values():
                server.start()
            for server in servers.values():
                server.wait_ready()
            yield servers
        finally:
            for server in servers.values():
                server.stop()
