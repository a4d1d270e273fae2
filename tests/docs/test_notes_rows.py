"""The mapping tables of migration_notes.md, executed: a row cannot name a wrong 4.x spelling.

- A 3.x -> 4.x row with a jwt_upgrade rule: the codemod, run on the 3.x name, writes exactly
  what the 4.x cell says.
- Every Flask-JWT-Extended setting a 4.x cell names exists in 4.7 (JWTManager sets a default
  for each of its settings), and a "default `x`" is that default.
"""

import re

import flask
import pytest
from flask_jwt_extended import JWTManager

from jwt_upgrade.transform import upgrade
from tests.docs.test_notes import table_rows

CODE = re.compile(r"`([^`]+)`")
UPGRADE_TABLE = "### The course's Flask-JWT-Extended 3.x → 4.x"
BOTH_TABLES = ["### Flask-JWT 0.3.2 → Flask-JWT-Extended 4.x", UPGRADE_TABLE]


def cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split(" | ")]


def snippet(old: str) -> str | None:
    """A line of 3.x code that uses `old`, or None when the cell is not one name."""
    name = re.fullmatch(r"@?(?:jwt\.)?(\w+)(\(\))?", old)
    if not name or "…" in old or old.startswith("JWT_"):  # settings: the next test
        return None
    if old.startswith("@jwt."):
        return f"{old}\ndef callback(*args): ...\n"
    imported = f"from flask_jwt_extended import {name.group(1)}\n"
    if old.startswith("@"):
        return f"{imported}{old}\ndef view(): ...\n"
    return f"{imported}value = {old}\n"


def upgrade_rows() -> list[tuple[str, str]]:
    checked = []
    for row in table_rows(UPGRADE_TABLE):
        old_cell, new_cell, rule = cells(row)[:3]
        if not re.fullmatch(r"FJE0\d\d(, FJE\d+)*", rule):
            continue
        old, new = CODE.findall(old_cell), CODE.findall(new_cell)
        if old and new and snippet(old[0]):
            checked.append((old[0], new[0]))
    return checked


def test_enough_rows_are_executed():
    assert len(upgrade_rows()) >= 10


@pytest.mark.parametrize(("old", "new"), upgrade_rows())
def test_each_upgrade_row_is_what_the_codemod_writes(old, new):
    written, applied = upgrade(snippet(old))
    assert applied, f"no rule applied to {old}"
    # A loader row also names its 4.x arguments; get_jwt()["is_admin"] shows a use; the verify
    # row lists three keyword options in one cell.
    expected = new.split("(jwt_header")[0].split("[")[0]
    if " / " in expected:
        expected = expected.split("(")[0]
    assert expected in written, written


def settings_named(heading: str) -> list[str]:
    found = []
    for row in table_rows(heading):
        old_cell, new_cell = cells(row)[:2]
        old = set(CODE.findall(old_cell))  # a 4.x cell may name the old key it replaces
        found += [c for c in CODE.findall(new_cell)
                  if re.fullmatch(r"JWT_[A-Z_]+", c) and c not in old]
    return found


@pytest.mark.parametrize("heading", BOTH_TABLES)
def test_every_setting_a_4x_cell_names_exists_with_the_default_it_says(heading):
    app = flask.Flask(__name__)
    app.config["JWT_SECRET_KEY"] = "k" * 32
    JWTManager(app)
    named = settings_named(heading)
    assert named and [k for k in named if k not in app.config] == []
    for row in table_rows(heading):
        old_cell, new_cell = cells(row)[:2]
        default = re.match(r"default `([^`]+)`", new_cell)
        key = CODE.findall(old_cell)[0] if CODE.findall(old_cell) else ""
        if default and key in app.config:
            assert str(app.config[key]) == default.group(1), row[:80]
