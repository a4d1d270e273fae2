"""The throwaway environments the upstream tests compare (upstream/envs.py), built on first
use (about a second each from uv's cache, which `make venvs` filled), and how to ask them."""

import json
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from upstream.envs import REPO, build


def network() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=3).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def environments() -> dict[str, Path]:
    """{variant: python} for stock, patched-fje and patched-fje-pyjwt."""
    pythons = {}
    for variant in ("stock", "patched-fje", "patched-fje-pyjwt"):
        try:
            pythons[variant] = build(variant)
        except subprocess.CalledProcessError:
            if not network():  # uv could not fill a cache that make venvs did not fill
                pytest.skip("no network, and uv's cache lacks a package of uv.lock: the "
                            "throwaway environments cannot be built here")
            raise
    return pythons


def ask(python: Path, *module_and_args: str) -> Any:
    """Run `python -m <module> <args>` from the repository; its stdout, as JSON."""
    done = subprocess.run([str(python), "-m", *module_and_args], cwd=REPO, check=True,
                          capture_output=True, text=True, timeout=300)
    return json.loads(done.stdout)
