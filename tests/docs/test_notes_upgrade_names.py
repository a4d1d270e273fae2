"""The notes' 3.x → 4.x table, its first three columns read whole: every name and keyword a 3.x
cell spells exists in Flask-JWT-Extended 3.25.1 (.venv-fje3), every one a 4.x cell spells in
4.7 (and one it says "does not exist" does not), and every rule id is one of jwt_upgrade's.
The "on 4.7" column: tests/docs/test_notes_upgrade_cells.py."""

import builtins
import re

from jwt_upgrade.rules import RULES
from tests.docs.library_facts import fje3, fje4
from tests.docs.test_notes import table_rows
from tests.docs.test_notes_rows import UPGRADE_TABLE, cells

APP_SIDE = {"str", "user", "app"}  # the application's names in a cell's example


def spelled(cell: str) -> list[tuple[str, str | None, bool]]:
    """(name, the function it is a keyword of or None, whether the cell says it exists)."""
    found: list[tuple[str, str | None, bool]] = []
    for m in re.finditer(r"`([^`]+)`", cell):
        span, exists = m.group(1), not cell[m.end():].startswith(" does not exist")
        if cell[:m.start()].endswith("default "):
            continue  # a setting's value: tests/docs/test_notes_upgrade_cells.py reads it
        if call := re.match(r"(\w+)\(\)\[", span):
            found.append((call.group(1), None, exists))  # get_jwt()["is_admin"]
            continue
        if span.startswith(("JWT_", "(")) or re.search(r"[\"']| = ", span):
            continue  # settings (tests/docs/test_notes_rows.py), signatures, code samples
        for owner, arguments in re.findall(r"(\w+)\(([^)]*)\)", span):
            found += [(kw, owner, exists) for kw in re.findall(r"(\w+)=", arguments)]
        head = re.sub(r"\([^)]*\)", "", span)
        for part in re.split(r", | / ", head):
            name = re.fullmatch(r"@?(?:jwt\.)?(\w+)(=…|=\w+)?", part.strip())
            if name and name.group(1) not in APP_SIDE:
                found.append((name.group(1), "" if name.group(2) else None, exists))
    return found


def check(cell: str, names: set[str], params: dict[str, list[str]], default_owner: str
          ) -> list[str]:
    wrong = []
    for name, owner, exists in spelled(cell):
        if owner is None:
            ok = name in names or name in dir(builtins)  # RuntimeError
        else:
            ok = name in params.get(owner or default_owner, [])
        if ok != exists:
            kind = "" if owner is None else "="
            wrong.append(f"{name}{kind}: {'missing' if exists else 'there'}")
    return wrong


def rows() -> list[list[str]]:
    return [cells(row) for row in table_rows(UPGRADE_TABLE)]


def test_every_3x_name_and_keyword_exists_in_3_25_1():
    facts = fje3()
    names = set(facts["module"]) | set(facts["manager"]) | set(facts["exceptions"])
    for old, *_ in rows():
        owner = (re.findall(r"(\w+)\(", old) or [""])[0]
        assert not check(old, names, facts["params"], owner), old
    assert sum(len(spelled(old)) for old, *_ in rows()) >= 25


def test_every_4x_name_and_keyword_exists_in_4_7_and_a_missing_one_is_missing():
    facts = fje4()
    for old, new, *_ in rows():
        owner = (re.findall(r"(\w+)\(", old) or [""])[0]
        assert not check(new, set(facts["names"]) | set(facts["exceptions"]), facts["params"],
                         owner), new
    assert any(not exists for _, new, *_ in rows() for *_, exists in spelled(new))


def test_every_rule_id_is_a_jwt_upgrade_rule():
    ids = [i for row in rows() for i in re.findall(r"\b(FJE\d{3})\b", row[2])]
    assert len(ids) >= 20 and set(ids) <= set(RULES), set(ids) - set(RULES)
