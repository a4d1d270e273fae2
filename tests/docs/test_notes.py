"""migration_notes.md names files and tests as evidence: they must exist."""

import ast
import re
from pathlib import Path

import pytest

from sidebyside.scenarios import CATALOGUE
from sidebyside.servers import REPO

NOTES = (REPO / "migration_notes.md").read_text()
TEST_REF = re.compile(r"(tests/[\w/]+\.py)::(\w+)(?:\[([\w-]+)\])?")
PATH_REF = re.compile(r"`((?:[\w-]+/)+[\w-]+\.(?:py|md|toml|http|lock))`|`(pyproject\.toml)`")


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_notes_cite_tests():
    assert len(set(TEST_REF.findall(NOTES))) > 80


@pytest.mark.parametrize(("path", "name", "param"), sorted(set(TEST_REF.findall(NOTES))),
                         ids=lambda v: v)
def test_every_test_named_in_the_notes_exists(path, name, param):
    file = REPO / path
    assert file.is_file(), f"{path} does not exist"
    assert name in functions_in(file), f"{path} has no {name}"
    if name == "test_scenario":
        assert param in {sc.key for sc in CATALOGUE}, f"no parity scenario {param!r}"


@pytest.mark.parametrize("path", sorted({a or b for a, b in PATH_REF.findall(NOTES)}))
def test_every_file_named_in_the_notes_exists(path):
    assert (REPO / path).is_file(), path


def table_rows(heading: str) -> list[str]:
    section = NOTES.split(heading, 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return rows[2:]  # without the header and the |---| line


@pytest.mark.parametrize("heading", ["### Flask-JWT 0.3.2 → Flask-JWT-Extended 4.x",
                                     "### The course's Flask-JWT-Extended 3.x → 4.x",
                                     "## Pitfalls"])
def test_every_mapping_and_pitfall_row_names_a_test(heading):
    rows = table_rows(heading)
    assert len(rows) >= 15
    for row in rows:
        assert TEST_REF.search(row), f"no test for: {row[:80]}"


def test_every_pitfall_of_the_reference_list_is_covered():
    """The 16 symptoms of the team's measured list (reference §6), by their key text."""
    symptoms = ["safe_str_cmp", "jwt_refresh_token_required", "missing 1 required positional",
                "422", "Subject must be a string", "Internal Server Error", "abandoned",
                "'Mapping' from 'collections'", "'str' object has no attribute 'decode'",
                "_request_ctx_stack", "before_first_request", "takes 0 positional arguments",
                "Did not attempt to load JSON data", "InsecureKeyLengthWarning",
                "Missing 'Bearer' type", "cannot import name 'DecodeError'"]
    pitfalls = "\n".join(table_rows("## Pitfalls"))
    for symptom in symptoms:
        assert symptom in pitfalls, symptom


def python_snippets() -> list[tuple[str, list[str]]]:
    """(the last app file named before the block, the block's lines) per python block."""
    snippets, last_file = [], None
    for part in re.split(r"(```python\n.*?```)", NOTES, flags=re.DOTALL):
        if part.startswith("```python"):
            snippets.append((last_file, part.splitlines()[1:-1]))
        else:
            files = re.findall(r"`((?:v1_basic_jwt|v2_jwt_extended)/[\w/]+\.py)`", part)
            last_file = files[-1] if files else last_file
    return snippets


@pytest.mark.parametrize(("path", "lines"), python_snippets(), ids=lambda v: str(v)[:40])
def test_code_shown_in_the_notes_is_the_code_in_the_file(path, lines):
    assert path, "a code block must follow the name of the file it comes from"
    source = {line.strip() for line in (REPO / path).read_text().splitlines()}
    for line in lines:
        if line.strip() and "..." not in line:
            assert line.strip() in source, f"{path} has no line {line.strip()!r}"
