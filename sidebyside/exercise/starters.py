"""make exercise [EXERCISE_DIR=exercise]: the two starters, generated from the reference so
the two never drift.

steps/     v2_jwt_extended, each `# BEGIN SOLUTION <chapter>` … `# END SOLUTION` region cut:
           a TODO with the chapter's lesson and the notes section to read takes its place,
           and code that keeps the app importable (the region's `# STARTER:` lines, else a
           `raise NotImplementedError`).
capstone/  v1_basic_jwt as it is, to move to Flask-JWT-Extended 4.x by hand or with
           `make upgrade`.

Both under the learner's package name (my_api), each with a README and a GitHub Classroom
workflow that grades it.
"""

import argparse
import re
import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from sidebyside.exercise import PACKAGE, notes_section
from sidebyside.scenarios import CATALOGUE, CHAPTERS
from sidebyside.servers import APPS, REPO

# `# BEGIN SOLUTION <chapter>` or `# BEGIN SOLUTION <chapter>: <what this piece does>`: the
# TODO then says the latter instead of the chapter's lesson.
BEGIN = re.compile(r"^(?P<indent>[ ]*)# BEGIN SOLUTION (?P<chapter>[^:]+?)(?::\s*(?P<hint>.+?))?"
                   r"\s*$")
# A long hint goes on: lines of `#   <more>` right after the BEGIN line.
MORE = re.compile(r"^[ ]*#   (?P<more>\S.*?)\s*$")
END = re.compile(r"^[ ]*# END SOLUTION\s*$")
STARTER = re.compile(r"^[ ]*# STARTER: ?(?P<code>.*?)\s*$")
WIDTH = 100


class MarkerError(ValueError):
    pass


def chapter_lesson(chapter: str) -> str:
    return next(sc.lesson for sc in CATALOGUE if sc.chapter == chapter and sc.lesson)


def todo(indent: str, chapter: str, hint: str | None = None) -> list[str]:
    text = f"TODO({chapter}): {hint or chapter_lesson(chapter)} Read {notes_section(chapter)}. " \
           "Check with `make grade`."
    return [f"{indent}# {line}\n" for line in
            textwrap.wrap(text, WIDTH - len(indent) - 2, subsequent_indent="  ")]


def cut_solutions(source: str, where: str = "") -> str:
    """The source with every solution region replaced by its TODO and starter code."""
    out: list[str] = []
    region: tuple[str, str, list[str], int, list[str]] | None = None
    hint_goes_on = False
    for number, line in enumerate(source.splitlines(keepends=True), 1):
        begin, end, starter = BEGIN.match(line), END.match(line), STARTER.match(line)
        more = MORE.match(line) if hint_goes_on else None
        hint_goes_on = bool(begin and begin["hint"]) or bool(more)
        if more and region is not None:
            region[4].append(more["more"])
            continue
        if region is None:
            if begin:
                if begin["chapter"] not in CHAPTERS:
                    raise MarkerError(f"{where}:{number}: unknown chapter {begin['chapter']!r}")
                region = (begin["indent"], begin["chapter"], [], number,
                          [begin["hint"]] if begin["hint"] else [])
            elif end or starter:
                raise MarkerError(f"{where}:{number}: {line.strip()} outside a region")
            else:
                out.append(line)
        elif begin:
            raise MarkerError(f"{where}:{number}: a region inside the region of line {region[3]}")
        elif end:
            indent, chapter, code, _, hint = region
            out += todo(indent, chapter, " ".join(hint) or None)
            out += [f"{indent}{c}\n" for c in code] or [
                f'{indent}raise NotImplementedError("TODO({chapter})")\n']
            region = None
        elif starter:
            region[2].append(starter["code"])
    if region is not None:
        raise MarkerError(f"{where}:{region[3]}: BEGIN SOLUTION without END SOLUTION")
    return "".join(out)


def without_markers(source: str) -> str:
    """The reference as it runs: marker lines are comments, so this must compile to the same
    code (tests/exercise checks it)."""
    return "".join(line for line in source.splitlines(keepends=True)
                   if not (BEGIN.match(line) or END.match(line) or STARTER.match(line)))


def copy_package(source: Path, target: Path, rewrite: Callable[[str, str], str]) -> None:
    """Copy an app package under the learner's name: its own imports renamed, every .py and
    .http file passed through `rewrite(text, path)`."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for path in sorted(target.rglob("*")):
        if path.suffix in (".py", ".http"):
            text = path.read_text().replace(source.name, target.name)
            path.write_text(rewrite(text, str(path.relative_to(target.parent))))


STEPS_README = """\
# The migration, step by step

`{package}/` is the Flask-JWT-Extended 4.x app with the migration's key pieces cut out. Each
`TODO(<chapter>)` says what the piece does and which section of `migration_notes.md` to read;
the code under it only keeps the app importable. Chapters, in the order to do them:
{chapters}.

Run it, from the reference project's folder (port 5002; the course's shared store and
error module come from there):

    PYTHONPATH={folder} APP_DEV_MODE=1 .venv-v2/bin/python -m {package}

Grade it, from the same folder:

    make grade EXERCISE_DIR={folder}

The grade prints a table per chapter and, for each lost test, what was sent, what was
expected and received, a hint and the section to read. Full marks: exit status 0.
"""

CAPSTONE_README = """\
# The capstone: the whole migration

`{package}/` is the legacy app (Flask-JWT 0.3.2, `POST /auth`, `Authorization: JWT`). Move it
to Flask-JWT-Extended 4.x and current Flask, so that it answers as the reference v2 does:
`POST /login` with access and refresh tokens, `POST /refresh`, fresh tokens for writes, the
admin flag as a claim, optional JWT, one JSON error per failure, logout with a blocklist.
By hand, following `migration_notes.md`, or start with the codemod (`make upgrade`) and
finish by hand.

Grade it, from the reference project's folder (it starts failing: Flask-JWT does not
import in the v2 environment, and that is the first thing to fix):

    make grade EXERCISE_DIR={folder}
"""

# A GitHub Classroom template: the starter is the repository; the grader comes from the
# reference project, checked out beside it (set `repository:` to where your class keeps it).
WORKFLOW = """\
name: Autograding Tests
"on": [push, workflow_dispatch, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@v4
        with:
          repository: YOUR-ORG/flask-jwt-migration  # this reference project
          path: .reference
      - name: Grade the migration
        id: grade
        run: make -C .reference grade EXERCISE_DIR="$GITHUB_WORKSPACE" GRADE_ARGS=--hidden
      - name: Report to GitHub Classroom
        if: always()
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          GRADE_RESULTS: "${{ steps.grade.outputs.result }}"
        with:
          runners: grade
"""


def generate(target: Path) -> list[Path]:
    """Write both starters into `target` (which must not hold anything yet)."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target}/ exists and is not empty (your work?): remove it, "
                              "or generate elsewhere with EXERCISE_DIR=...")
    chapters = [c for c in CHAPTERS
                if any(f"# BEGIN SOLUTION {c}\n" in p.read_text()
                       for p in (REPO / APPS["v2"]).rglob("*.py"))]
    starters = {"steps": (APPS["v2"], cut_solutions, STEPS_README),
                "capstone": (APPS["v1"], lambda text, _where: text, CAPSTONE_README)}
    made = []
    for name, (package, rewrite, readme) in starters.items():
        folder = target / name
        copy_package(REPO / package, folder / PACKAGE, rewrite)
        (folder / "README.md").write_text(readme.format(
            package=PACKAGE, folder=folder, chapters=", ".join(chapters)))
        workflow = folder / ".github" / "workflows" / "classroom.yml"
        workflow.parent.mkdir(parents=True)
        workflow.write_text(WORKFLOW)
        (folder / ".gitignore").write_text("__pycache__/\nresults.json\njunit.xml\n")
        made.append(folder)
    (target / "README.md").write_text(
        "# Do it yourself\n\nTwo starters, generated by `make exercise` from the reference:\n"
        "`steps/` (fill in the TODOs, chapter by chapter) and `capstone/` (the whole\n"
        "migration from the legacy app). Each has its README. `make grade "
        f"EXERCISE_DIR={target}` grades both.\n")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make exercise", description=__doc__.split("\n")[0])
    parser.add_argument("target", type=Path, nargs="?", default=Path("exercise"))
    args = parser.parse_args(argv)
    try:
        made = generate(args.target)
    except (FileExistsError, MarkerError) as e:
        print(e, file=sys.stderr)
        return 2
    for folder in made:
        print(f"wrote {folder}/ ({PACKAGE}/, README.md, .github/workflows/classroom.yml)")
    print(f"Grade with: make grade EXERCISE_DIR={args.target}")
    return 0
