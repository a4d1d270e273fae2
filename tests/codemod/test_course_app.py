"""The proof: the course's Flask-JWT-Extended 3.x app passes the behaviour check on real
3.25.1 (.venv-fje3); jwt_upgrade rewrites a copy and leaves exactly the expected TODOs; with
those lines resolved by resolve_todos.patch, the copy passes the same check on 4.7."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from jwt_upgrade.transform import todos_in
from sidebyside.servers import REPO, venv_python

HERE = Path(__file__).parent
EXPECTED_TODOS = ["FJE103", "FJE102", "FJE102"]


def behaviour(python: Path, folder: Path) -> list[list]:
    done = subprocess.run([str(python), str(HERE / "behaviour.py"), str(folder)], cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_course_app_upgraded_by_jwt_upgrade_behaves_the_same_on_4x(tmp_path: Path):
    original = HERE / "course_3x"
    on_3x = behaviour(venv_python("fje3"), original)
    assert on_3x[-1] == ["failures", 0]

    copy = tmp_path / "course"
    shutil.copytree(original, copy, ignore=shutil.ignore_patterns("__pycache__"))
    upgraded = subprocess.run([sys.executable, "-m", "jwt_upgrade", str(copy)], cwd=REPO,
                              capture_output=True, text=True, timeout=60)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "3 TODO(s) left for a human" in upgraded.stdout
    todos = [line.split()[2].rstrip("]:") for line in todos_in((copy / "app.py").read_text())]
    assert todos == EXPECTED_TODOS

    patched = subprocess.run(["patch", "-p1", "-d", str(copy), "-i",
                              str(HERE / "resolve_todos.patch")],
                             capture_output=True, text=True, timeout=60)
    assert patched.returncode == 0, patched.stdout + patched.stderr
    assert todos_in((copy / "app.py").read_text()) == []
    on_4x = behaviour(venv_python("v2"), copy)
    assert on_4x == on_3x  # step by step: the same statuses and error codes

    check = subprocess.run([sys.executable, "-m", "jwt_upgrade", "--check", str(copy)],
                           cwd=REPO, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout


def test_the_3x_app_does_not_even_import_on_4x(tmp_path: Path):
    done = subprocess.run([str(venv_python("v2")), "-c", "import app"],
                          cwd=HERE / "course_3x", capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "ImportError: cannot import name 'fresh_jwt_required'" in done.stderr
