"""The notes' "Read this first": what it says about the steps below is what they show."""

import re

from tests.docs.test_notes import NOTES, TEST_REF, python_snippets


def steps() -> dict[int, str]:
    """{step number: its text} of "The migration, one hunk family at a time"."""
    part = NOTES.split("## The migration, one hunk family at a time", 1)[1].split("\n## ", 1)[0]
    found = re.split(r"\n### (\d+)\. ", part)
    return {int(number): text for number, text in zip(found[1::2], found[2::2], strict=True)}


def test_steps_1_3_5_and_7_show_the_code_of_both_apps():
    shown: dict[int, set[str]] = {}
    snippets = iter(python_snippets())
    for number, text in steps().items():
        for _ in range(text.count("```python")):
            path, _lines = next(snippets)
            shown.setdefault(number, set()).add(path.split("/")[0])
    both = {number for number, apps in shown.items()
            if apps == {"v1_basic_jwt", "v2_jwt_extended"}}
    assert both == {1, 3, 5, 7}
    assert len(steps()) == 10
    assert "steps 1, 3, 5 and 7 show the code of both apps" in " ".join(NOTES.split())


def test_read_this_first_says_how_to_start():
    first = NOTES.split("## Read this first", 1)[1].split("\n## ", 1)[0]
    assert "`make demo`" in first.split("\n\n")[1] and "`make test`" in first.split("\n\n")[1]


def bullets() -> list[tuple[str, str]]:
    """(section heading, bullet text) for every top-level bullet of the notes."""
    found = []
    for section in re.split(r"\n(?=#{2,3} )", NOTES):
        heading = section.splitlines()[0]
        for bullet in re.split(r"\n(?=- )", section)[1:]:
            found.append((heading, bullet.split("\n\n")[0]))
    return found


def test_every_bullet_names_a_test_or_says_why_none():
    """The notes' standard for every section, new ones included: a bullet names the test that
    shows it, or says no test can, or only points elsewhere. Exempt: Appendix B's measurements
    (the section says no test names them) and lists of codemod rule ids (each rule has its
    fixtures, tests/codemod/test_rules.py)."""
    uncited = [f"{heading}: {text[:70]!r}" for heading, text in bullets()
               if not TEST_REF.search(text) and "no test" not in text
               and not re.search(r'\(see "[^"]+"\)\.?$', text.strip())
               and "Appendix B" not in heading and not re.search(r"\(FJE\dnn\)", text)]
    assert not uncited, "\n".join(uncited)
    assert len(bullets()) > 40
