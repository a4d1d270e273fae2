"""Schemathesis against each app's own OpenAPI document (GET /openapi.json), both apps as real
servers on one store: generated and mutated requests, every phase (coverage, fuzzing, and the
stateful one that follows the links it infers, e.g. register -> log in), with a live token of
each app; any 5xx, an answer that breaks its schema, an undocumented status or content type
fails the run.

python -m sidebyside.fuzz [--max-time SECONDS]   (make clients runs it)
"""

import argparse
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from sidebyside.clients import client_for
from sidebyside.scenarios import PASSWORD
from sidebyside.servers import running_apps, venv_python

CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,"
          "content_type_conformance")
# Fuzzing sends thousands of failed logins from 127.0.0.1 on purpose.
SERVER_ENV = {"LOGIN_MAX_FAILURES_PER_CLIENT": "1000000"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.fuzz", description=__doc__)
    parser.add_argument("--max-time", type=int, default=30, help="per app (default 30 s)")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else secrets.randbelow(10**6)
    schemathesis = venv_python("v2").parent / "schemathesis"
    failed = []
    with tempfile.TemporaryDirectory() as tmp, running_apps(Path(tmp), SERVER_ENV) as servers:
        tokens = {}
        for name, server in servers.items():  # before any fuzzing: its failures throttle
            client = client_for(name, server.base_url, server.secret)
            username = f"fuzz{name}{secrets.token_hex(3)}"
            client.register(username, PASSWORD)
            tokens[name] = f"{client.prefix} {client.tokens(username, PASSWORD).access}"
        for name, server in servers.items():
            print(f"--- {name}: schemathesis on {server.base_url}/openapi.json (seed {seed})",
                  flush=True)
            done = subprocess.run(
                [str(schemathesis), "run", f"{server.base_url}/openapi.json", "--checks", CHECKS,
                 "-H", f"Authorization: {tokens[name]}", "--max-time", str(args.max_time),
                 "--seed", str(seed), "--no-color", "--warnings", "off",
                 "--generation-database", ":memory:"],
                cwd=tmp, capture_output=True, text=True)  # its caches stay out of the clone
            summary = [line for line in done.stdout.splitlines()
                       if "generated" in line or "passed" in line or "failed" in line]
            print("\n".join(summary[-3:]) if done.returncode == 0 else done.stdout[-6000:],
                  flush=True)
            if done.returncode != 0:
                failed.append(name)
    print("fuzzing: " + ("no 5xx, no schema violation in either app" if not failed
                         else f"FAILED on {', '.join(failed)}"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
