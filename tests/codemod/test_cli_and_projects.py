"""jwt_upgrade on a project (names followed through its own modules) and its command line:
named paths are always processed, nothing to process is exit 2, --check stays red while a
TODO of ours is left."""

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sidebyside.servers import REPO, venv_python

PROJECTS = Path(__file__).parent / "fixtures"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jwt_upgrade", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(REPO)})


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.py"))}


# project fixture -> the modules of its output that must import on 4.7
PROJECT_IMPORTS = {"project_reexport": "app.views, app.star", "project_loaders": "svc"}


@pytest.mark.parametrize("name", sorted(PROJECT_IMPORTS))
def test_a_project_is_upgraded_across_its_modules_and_imports_on_4x(tmp_path: Path, name):
    """project_reexport: a package re-exporting 3.x names is renamed at both ends;
    project_loaders: callbacks registered in one module, defined in another, are adapted."""
    copy = tmp_path / "project"
    shutil.copytree(PROJECTS / name / "before", copy)
    assert run(str(copy)).returncode == 0
    assert tree(copy) == tree(PROJECTS / name / "after")
    for source in tree(copy).values():
        compile(source, "upgraded", "exec")
    imported = subprocess.run([str(venv_python("v2")), "-c", f"import {PROJECT_IMPORTS[name]}"],
                              cwd=copy, capture_output=True, text=True, timeout=60)
    assert imported.returncode == 0, imported.stderr
    again = run("--check", str(copy))
    assert again.returncode == 0, again.stdout


def test_the_3x_project_does_not_import_on_4x():
    done = subprocess.run([str(venv_python("v2")), "-c", "import app.views"],
                          cwd=PROJECTS / "project_reexport" / "before", capture_output=True,
                          text=True, timeout=60)
    assert "cannot import name 'jwt_refresh_token_required'" in done.stderr


def test_a_path_under_a_dot_folder_named_on_the_command_line_is_processed(tmp_path: Path):
    hidden = tmp_path / ".venv-like" / "src"
    hidden.mkdir(parents=True)
    (hidden / "views.py").write_text("from flask_jwt_extended import jwt_optional\n")
    (hidden / ".cache").mkdir()
    (hidden / ".cache" / "skipped.py").write_text("from flask_jwt_extended import jwt_optional\n")
    for named in (hidden, hidden / "views.py"):
        checked = run("--check", str(named))
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert "1 of 1 file(s) would change" in checked.stdout


def test_nothing_to_process_is_exit_2_with_a_message(tmp_path: Path):
    (tmp_path / "README.md").write_text("no python here\n")
    for args in ([str(tmp_path)], ["--check", str(tmp_path / "missing.py")]):
        done = run(*args)
        assert done.returncode == 2 and "no Python file to process" in done.stderr, done


def test_a_project_without_flask_jwt_extended_keeps_its_own_loader_methods(tmp_path: Path):
    source = ("class Registry:\n    def user_claims_loader(self, fn):\n        return fn\n\n\n"
              "registry = Registry()\n\n\n@registry.user_claims_loader\ndef claims(identity):\n"
              "    return identity\n")
    (tmp_path / "registry.py").write_text(source)
    done = run("--check", str(tmp_path))
    assert done.returncode == 0 and (tmp_path / "registry.py").read_text() == source


def test_a_missing_path_among_others_is_exit_2(tmp_path: Path):
    (tmp_path / "app.py").write_text("from flask_jwt_extended import jwt_required\n")
    done = run(str(tmp_path / "app.py"), str(tmp_path / "typo.py"))
    assert done.returncode == 2 and "typo.py: no such file or folder" in done.stderr


def test_check_is_red_while_a_todo_is_left_and_green_once_resolved(tmp_path: Path):
    target = tmp_path / "app.py"
    target.write_text((PROJECTS / "c01_identities.before.py").read_text())
    assert run(str(target)).returncode == 0
    checked = run("--check", str(target))  # nothing left to rewrite, but TODOs stay
    assert checked.returncode == 1 and "TODO[jwt_upgrade FJE106]" in checked.stdout
    resolved = "\n".join(line for line in target.read_text().splitlines()
                         if "TODO[jwt_upgrade" not in line)
    target.write_text(resolved.replace('identity={"id": user.id, "role": user.role}',
                                       "identity=str(user.id)")
                      .replace("identity=user)", "identity=str(user.id))") + "\n")
    assert run("--check", str(target)).returncode == 0


def test_the_fixture_trees_match_one_for_one():
    compared = filecmp.dircmp(PROJECTS / "project_reexport" / "before" / "app",
                              PROJECTS / "project_reexport" / "after" / "app",
                              ignore=["__pycache__"])
    assert compared.left_only == compared.right_only == []
