"""What a learner meets around the codemod and the clone (issue 33, item 8): make upgrade from
their own folder, --check's file:line findings, the rule ids listed where they look, and make
reset keeping the report."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from jwt_upgrade.rules import RULES
from sidebyside.servers import REPO

BEFORE = REPO / "tests" / "codemod" / "fixtures" / "loaders.before.py"


def make(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_make_upgrade_from_the_learners_folder_reads_their_paths(tmp_path: Path):
    """`make -C clone upgrade PATHS=app.py` from the project's own folder: app.py is theirs,
    and a typo is one line that says where relative paths start, not a traceback."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text(BEFORE.read_text())
    env_pwd = {"PWD": str(project)}  # what a shell in that folder exports
    done = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "upgrade",
                           "PATHS=app.py", "UPGRADE_ARGS=--check"], cwd=project,
                          env={**os.environ, **env_pwd}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "jwt_upgrade: 1 of 1 file(s) would change" in done.stdout, done.stdout + done.stderr
    assert (project / "app.py").read_text() == BEFORE.read_text()  # --check wrote nothing
    typo = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "upgrade",
                           "PATHS=ap.py"], cwd=project, env={**os.environ, **env_pwd},
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in typo.stderr
    assert f"ap.py: no such file or folder (relative paths start from {project})" in typo.stderr


def test_check_names_file_and_line_of_every_finding(tmp_path: Path):
    """Each finding as path:line: (the line as the file is now), TODOs with their rule id."""
    target = tmp_path / "app.py"
    target.write_text(BEFORE.read_text())
    lines = BEFORE.read_text().splitlines()
    done = subprocess.run([sys.executable, "-m", "jwt_upgrade", "--check", str(target)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    found = re.findall(rf"^{re.escape(str(target))}:(\d+): (.+)$", done.stdout, re.MULTILINE)
    assert len(found) >= 5, done.stdout
    rewritten = [(int(n), what) for n, what in found if what.startswith("would be")]
    assert rewritten and all(1 <= n <= len(lines) for n, _ in rewritten)
    # A line it would remove is named with its own text, at its own number.
    for number, what in rewritten:
        if what.startswith("would be removed: "):
            assert lines[number - 1].strip() == what.removeprefix("would be removed: ")
    todos = [what for _, what in found if what.startswith("# TODO[jwt_upgrade ")]
    assert todos and all(re.match(r"# TODO\[jwt_upgrade (FJE|FLK)\d{3}\]", t) for t in todos)
    # Once written, the TODOs left are named at the lines where they now are.
    subprocess.run([sys.executable, "-m", "jwt_upgrade", str(target)], cwd=REPO, check=True,
                   capture_output=True, timeout=120)
    after = target.read_text().splitlines()
    again = subprocess.run([sys.executable, "-m", "jwt_upgrade", "--check", str(target)],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    left = re.findall(rf"^{re.escape(str(target))}:(\d+): (.+)$", again.stdout, re.MULTILINE)
    assert left and all(after[int(n) - 1].strip() == what for n, what in left)


def test_every_rule_id_is_listed_with_one_line_in_the_readme_and_by_the_cli():
    listed = subprocess.run([sys.executable, "-m", "jwt_upgrade", "--rules"], cwd=REPO,
                            capture_output=True, text=True, timeout=60).stdout.splitlines()
    assert listed == [f"{rule}  {what}" for rule, what in RULES.items()]
    readme = (REPO / "README.md").read_text()
    for rule, what in RULES.items():
        assert f"| {rule} | {what.replace('|', '/')} |" in readme, rule


def test_make_reset_empties_the_store_and_keeps_the_report(tmp_path: Path):
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    instance = tmp_path / "instance"
    (instance / "keys").mkdir(parents=True)
    for name in ("app.db", "app.db-wal", "dev-secret-v1", "report.html"):
        (instance / name).write_text("x")
    done = make("reset", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in instance.iterdir()] == ["report.html"]
    assert "kept instance/report.html" in done.stdout
    (instance / "report.html").unlink()
    assert make("reset", cwd=tmp_path).returncode == 0 and list(instance.iterdir()) == []
    shutil.rmtree(instance)
    assert make("reset", cwd=tmp_path).returncode == 0  # nothing to reset: fine too
