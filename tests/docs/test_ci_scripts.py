"""The CI scripts, run for real with stand-ins for what they call: a `make` that fails must
make CI fail (without `set -e`, .ci/run went green when `make test` failed), and an
interpreter whose suite fails must make `make test-pythons` fail."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

DEFAULT_PYTHON = "3.12"


def stand_in(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/usr/bin/env bash\n{script}\n")
    path.chmod(0o755)


def run_ci(tmp_path: Path, script: str, make_exit: int, *args: str) -> tuple[int, list[str]]:
    """Run .ci/<script> from a copy of .ci/, with a `make` that logs its arguments and exits
    with make_exit, and stand-ins for chromium and the interpreters it looks for."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / ".ci", root / ".ci")
    shutil.copy(REPO / "Makefile", root / "Makefile")  # read for SUPPORTED_PYTHONS, not run
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "make.calls"
    stand_in(bin_dir, "make", f'echo "$*" >> {calls}\nexit {make_exit}')
    stand_in(bin_dir, "chromium", "exit 0")  # present: .ci/run installs nothing
    for version in ("3.11", "3.12", "3.13"):
        stand_in(bin_dir, f"python{version}", f'[ "$1" = -c ] && [ -n "$2" ] && echo {version}.0'
                                              '\nexit 0')
    # The default python3 is whatever the machine has, not the interpreter running this test
    # (test-pythons runs it under each): a stand-in fixes it, so the expected list is known.
    stand_in(bin_dir, "python3", f'[ "$1" = -c ] && [ -n "$2" ] && echo {DEFAULT_PYTHON}\nexit 0')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "CI": "true"}
    done = subprocess.run(["bash", str(root / ".ci" / script), *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=60)
    made = calls.read_text().splitlines() if calls.exists() else []
    return done.returncode, made


def test_ci_fails_at_the_first_failing_suite(tmp_path: Path):
    status, made = run_ci(tmp_path, "run", 2)
    assert status != 0
    assert made == ["test"]  # stopped there: nothing after a red suite runs


def test_ci_runs_every_suite_when_all_pass(tmp_path: Path):
    status, made = run_ci(tmp_path, "run", 0)
    assert status == 0
    assert [call.split()[0] for call in made] == ["test", "test-postgres", "test-upstream",
                                                  "fuzz", "clients", "test-pythons",
                                                  "mutants"]
    # test-pythons adds the supported interpreters other than the default one make test ran
    supported = {"3.11", "3.12", "3.13"}
    assert set(made[5].split("=", 1)[1].split()) == supported - {DEFAULT_PYTHON}


@pytest.mark.parametrize(("make_exit", "green"), [(1, False), (0, True)])
def test_test_pythons_fails_when_any_interpreter_fails(tmp_path: Path, make_exit, green):
    status, made = run_ci(tmp_path, "test-pythons", make_exit, "3.11", "3.12", "3.13")
    assert (status == 0) is green
    assert len(made) == 3 and all(call.startswith("--no-print-directory test PYTHON=")
                                  for call in made)
