"""jwt_upgrade's rules on before/after fixture pairs (tests/codemod/fixtures), and its CLI."""

import subprocess
import sys
from pathlib import Path

import pytest

from jwt_upgrade.rules import RULES
from jwt_upgrade.transform import todos_in, upgrade
from sidebyside.servers import REPO

FIXTURES = Path(__file__).parent / "fixtures"
PAIRS = sorted(p.name.removesuffix(".before.py") for p in FIXTURES.glob("*.before.py"))


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jwt_upgrade", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60,
                          env={"PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("name", PAIRS)
def test_before_becomes_after(name):
    before = (FIXTURES / f"{name}.before.py").read_text()
    after = (FIXTURES / f"{name}.after.py").read_text()
    assert upgrade(before)[0] == after


@pytest.mark.parametrize("name", PAIRS)
def test_after_parses_and_a_second_run_changes_nothing(name):
    after = (FIXTURES / f"{name}.after.py").read_text()
    compile(after, name, "exec")
    again, applied = upgrade(after)
    assert again == after and not applied


def test_every_rule_has_a_fixture_that_shows_it():
    shown = "".join((FIXTURES / f"{n}.after.py").read_text() for n in PAIRS)
    applied = set()
    for name in PAIRS:
        applied |= set(upgrade((FIXTURES / f"{name}.before.py").read_text())[1])
    flagged = {line.split()[2].rstrip("]:") for line in todos_in(shown)}
    assert applied | flagged == set(RULES), set(RULES) - applied - flagged


def test_only_and_skip_choose_rules():
    source = "from flask_jwt_extended import jwt_optional, jwt_required\n\n" \
             "@jwt_required\ndef a(): ...\n\n@jwt_optional\ndef b(): ...\n"
    only, applied = upgrade(source, {"FJE001"})
    assert "@jwt_required()" in only and "@jwt_optional\n" in only and set(applied) == {"FJE001"}
    skipped, applied = upgrade(source, set(RULES) - {"FJE001"})
    assert "@jwt_required\n" in skipped and "@jwt_required(optional=True)" in skipped
    assert "FJE001" not in applied


def test_cli_diff_writes_nothing_and_check_exits_1(tmp_path: Path):
    target = tmp_path / "views.py"
    target.write_text((FIXTURES / "decorators.before.py").read_text())
    diff = run("--diff", str(target))
    assert diff.returncode == 0 and "+@jwt_required(optional=True)" in diff.stdout
    assert target.read_text() == (FIXTURES / "decorators.before.py").read_text()
    assert run("--check", str(target)).returncode == 1
    written = run(str(target))
    assert written.returncode == 0
    assert ("jwt_upgrade: 1 of 1 file(s) changed; rules applied: FJE001 x2, FJE002 x2, "
            "FJE003 x2, FJE004 x1; 0 TODO(s) left for a human") in written.stdout
    assert target.read_text() == (FIXTURES / "decorators.after.py").read_text()
    assert run("--check", str(target)).returncode == 0


def test_cli_check_exits_1_while_todos_are_left(tmp_path: Path):
    target = tmp_path / "loaders.py"
    target.write_text((FIXTURES / "loaders.after.py").read_text())
    checked = run("--check", str(target))
    assert checked.returncode == 1 and "TODO[jwt_upgrade FJE104]" in checked.stdout


def test_cli_refuses_unknown_rule_ids():
    done = run("--only", "FJE999", "v2_jwt_extended")
    assert done.returncode != 0 and "unknown rule id(s): FJE999" in done.stderr


def test_v2_needs_nothing_and_v1_is_flagged_not_rewritten():
    assert run("--check", "v2_jwt_extended").returncode == 0
    diff = run("--diff", "v1_basic_jwt")
    assert diff.returncode == 0
    added = [line for line in diff.stdout.splitlines()
             if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))]
    assert added and all(line.startswith("+") and line.lstrip("+ ").startswith(
        "# TODO[jwt_upgrade FJE201]") for line in added), added
    for flagged in ("JWT(app, authenticate, identity)", "current_identity -> current_user",
                    "JWT_AUTH_HEADER_PREFIX", "JWT_EXPIRATION_DELTA"):
        assert flagged in diff.stdout
