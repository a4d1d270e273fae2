"""jwt_upgrade on the real-code corpus (tests/codemod/realworld/pins.py), when it is here:
`python -m tests.codemod.realworld` (or `make corpus`) brings it into the ignored corpus/ folder.

Every output compiles, every flask_jwt_extended name it reaches exists in 4.7, no 3.x name,
loader or setting is left without a TODO of ours at its statement; and FJE's own 3.25.1
examples, run on 3.25.1 and, upgraded, on 4.7, answer the same, step by step."""

import atexit
import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sidebyside.servers import REPO, venv_python
from tests.codemod.realworld.__main__ import line, report_row, row_after
from tests.codemod.realworld.measure import Row, measure
from tests.codemod.realworld.pins import PINS

CORPUS = REPO / "corpus"
# FJE 3.25.1's small apps that behave.py can drive (login at /login, a protected view, ...)
SMALL_APPS = ["simple", "blacklist", "additional_data_in_access_token",
              "complex_objects_from_tokens", "tokens_from_complex_objects", "refresh_tokens",
              "token_freshness", "optional_protected_endpoints"]
BEHAVE = Path(__file__).parent / "realworld" / "behave.py"


# Outputs go to a folder of this session's own: another run of the suite may be measuring the
# same corpus at the same time.
AFTERS = Path(tempfile.mkdtemp(prefix="jwt_upgrade_corpus_"))
atexit.register(shutil.rmtree, AFTERS, ignore_errors=True)


@functools.cache
def measured(pin) -> Row:
    """jwt_upgrade on one pinned repository, and its imports, once per test session."""
    present(pin)
    row = report_row(pin, CORPUS, None, AFTERS)
    assert row is not None
    return row


def present(pin) -> Path:
    before = CORPUS / pin.repo.replace("/", "+") / "before"
    if not before.is_dir():
        pytest.skip(f"{pin.repo} is not in corpus/: run `make corpus` (needs a mirror in "
                    f"CORPUS_MIRRORS or access to GitHub)")
    return before


@pytest.mark.parametrize("pin", PINS, ids=[p.repo for p in PINS])
def test_no_silent_miss_in_the_corpus(pin):
    row = measured(pin)
    assert row.files and row.compiles == row.compilable
    assert row.missing_4x == [] and row.unflagged == [] and row.lost == []


def run(python: Path, folder: Path, module: str) -> list[str]:
    done = subprocess.run([str(python), str(BEHAVE), str(folder), module], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("module", SMALL_APPS)
def test_fje_examples_upgraded_behave_on_4x_as_on_3x(module):
    pin = next(p for p in PINS if p.repo == "vimalloc/flask-jwt-extended")
    before = present(pin) / pin.under
    measured(pin)
    after = row_after(AFTERS, pin)
    on_3x = run(venv_python("fje3"), before, module)
    assert len(on_3x) >= 8 and any('200, {"access_token"' in line for line in on_3x)
    on_4x = run(venv_python("v2"), after, module)
    assert on_4x == on_3x


def test_the_measure_sees_a_silent_miss(tmp_path: Path):
    """The table's last column can fail: a 3.x name in a string no rule reads is counted."""
    before = tmp_path / "before"
    before.mkdir()
    (before / "app.py").write_text('from flask_jwt_extended import jwt_optional\n\n'
                                   'NAME = "get_raw_jwt"  # for getattr\n\n\n'
                                   '@jwt_optional\ndef view():\n    return 1\n')
    row = measure("example", before, tmp_path / "after")
    assert row.unflagged == ["app.py:3: get_raw_jwt"]
    assert row.rules["FJE002"] == 1 and row.compiles == row.compilable == 1


def test_the_notes_carry_the_corpus_table_as_it_is_now():
    notes = (REPO / "migration_notes.md").read_text()
    for pin in PINS:
        row = measured(pin)
        assert line(row, pin.commit) in notes, line(row, pin.commit)
