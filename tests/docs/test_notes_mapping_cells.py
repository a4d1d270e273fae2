"""The notes' Flask-JWT 0.3.2 → Flask-JWT-Extended 4.x table, read whole: every default, name,
status and behaviour its two library columns state is the library's own (Flask-JWT read in
.venv-v1, Flask-JWT-Extended 4.7 here; tests/docs/library_facts.py). The tests cited in the
third column show each row at work; these keep the cells beside them true."""

import re
from typing import Any

import pytest

from tests.docs.library_facts import fje4, flask_jwt
from tests.docs.test_notes import table_rows
from tests.docs.test_notes_rows import cells

TABLE = "### Flask-JWT 0.3.2 → Flask-JWT-Extended 4.x"
UNITS = {"s": 1, "min": 60, "days": 86400}
SETTING_VALUE = re.compile(r"`(JWT_[A-Z_]+)` (\d+)(?: (s|min|days))?")
SPAN_OF_SETTING = re.compile(r"`([^`]+)`(?: \(|, )`(JWT_[A-Z_]+)`")
# Names that are the application's, not the library's (its callbacks and its data).
APP_SIDE = {"authenticate", "identity", "user", "payload", "app", "password", "username"}


def columns() -> list[tuple[str, str]]:
    return [(c[0], c[1]) for c in (cells(row) for row in table_rows(TABLE))]


def facts(side: int) -> dict[str, Any]:
    return flask_jwt() if side == 0 else fje4()


def test_every_setting_value_a_cell_states_is_the_librarys_default():
    checked = 0
    for row in columns():
        for side, cell in enumerate(row):
            defaults = facts(side)["defaults"]
            for key, number, unit in SETTING_VALUE.findall(cell):
                assert key in defaults, f"{key}: no such setting ({cell})"
                assert defaults[key] == int(number) * UNITS.get(unit, 1), \
                    f"{key} defaults to {defaults[key]} s, the notes say {number} {unit}"
                checked += 1
            if refresh := re.search(r"refresh (\d+) days", cell):
                assert fje4()["defaults"]["JWT_REFRESH_TOKEN_EXPIRES"] == int(
                    refresh.group(1)) * UNITS["days"]
                checked += 1
    assert checked >= 5  # expiry, leeway, refresh: both sides


def test_a_setting_named_beside_a_value_holds_that_value():
    """`POST /auth` (`JWT_AUTH_URL_RULE`), `Authorization: JWT <t>` (`JWT_AUTH_HEADER_PREFIX`),
    `sub: "<str>"` (`JWT_IDENTITY_CLAIM`), `{"msg": ...}` (`JWT_ERROR_MESSAGE_KEY`): the
    setting's default is what the span beside it shows."""
    checked = 0
    for row in columns():
        for side, cell in enumerate(row):
            defaults = facts(side)["defaults"]
            for span, key in SPAN_OF_SETTING.findall(cell):
                assert key in defaults, f"{key}: no such setting ({cell})"
                value = str(defaults[key])
                assert re.search(rf"(?<![\w/]){re.escape(value)}(?!\w)", span), \
                    f"{key} defaults to {value!r}, not what `{span}` shows"
                checked += 1
            if required := re.search(r"`(JWT_[A-Z_]+)` \(((?:`\w+`,? ?)+) required\)", cell):
                listed = re.findall(r"`(\w+)`", required.group(2))
                assert defaults[required.group(1)] == listed
                checked += 1
    assert checked >= 5


def names_in(cell: str) -> list[str]:
    """The library names a cell spells: `@jwt.x`, `x(...)`, `x=`, `x` (not code samples, not
    the arguments a callback is given, not the application's own names)."""
    found = []
    for span in re.findall(r"`([^`]+)`", cell):
        if re.search(r"[:{<\"]", span) or re.match(r"(GET|POST|PUT|DELETE) ", span):
            continue  # a header, a body or a claim: read by the tests above and below
        for part in re.split(r" / |, ", re.sub(r"\([^)]*\)", "", span)):
            name = re.fullmatch(r"@?(?:jwt\.)?(\w+)(?:=\w*)?", part.strip())
            if name and name.group(1) not in APP_SIDE:
                found.append(name.group(1))
            else:
                assert part.split(".")[0] in APP_SIDE, f"cannot read `{span}`"
    return found


def known(side: int) -> set[str]:
    """A library's names: module, extension object, keyword options, settings, and for
    Flask-JWT the keys it reads from app.config and the claims it writes; for 4.x its
    identity claim."""
    library = facts(side)
    extra = library["config_read"] + library["claims"] if side == 0 else [
        library["defaults"]["JWT_IDENTITY_CLAIM"]]
    return {*library["names"], *library["defaults"], *extra}


def test_every_name_a_cell_spells_exists_in_that_library():
    for row in columns():
        for side, cell in enumerate(row):
            missing = [n for n in names_in(cell) if n not in known(side)]
            assert not missing, f"{['Flask-JWT', 'Flask-JWT-Extended'][side]}: {missing}"
    assert len([n for row in columns() for n in names_in(row[1])]) >= 15


def test_the_statuses_and_shapes_the_cells_state():
    old, new = next((o, n) for o, n in columns() if "jwt_error_handler" in o)
    assert f"always {flask_jwt()['error_status']}" in old and flask_jwt()["statuses"] == [401]
    assert sorted(int(s) for s in re.findall(r"\b([45]\d\d)\b", new)) == fje4()["statuses"]
    old, new = next((o, n) for o, n in columns() if "error body" in o)
    assert sorted(re.findall(r'"(\w+)"', old)) == flask_jwt()["error_keys"]
    assert re.findall(r'"(\w+)"', new) == [fje4()["defaults"]["JWT_ERROR_MESSAGE_KEY"]]
    old, new = next((o, n) for o, n in columns() if "claim" in o and "identity" in o)
    claim, kind = re.search(r"`(\w+): <(\w+)>`", old).groups()
    assert claim in flask_jwt()["claims"] and kind == flask_jwt()["identity_type"]


@pytest.mark.parametrize(("side", "words"), [(0, "any case"), (1, "exact")])
def test_the_header_prefix_case_a_cell_states(side, words):
    cell = next(row for row in columns() if "Authorization:" in row[0])[side]
    assert words in cell
    if side == 0:
        assert flask_jwt()["any_case"]  # Flask-JWT compares the prefix without case
    else:
        assert fje4()["lowercase_refused"]
