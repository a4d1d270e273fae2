"""python -m tests.codemod.realworld [--mirrors DIR] [--out corpus]: bring the pinned corpus,
run jwt_upgrade on a copy of each repository, import its flask_jwt_extended modules before
(3.25.1) and after (4.7), and print the table the notes carry (also written to
<out>/report.md, with every silent miss and every module lost listed under it)."""

import argparse
import os
import sys
from pathlib import Path

from sidebyside.servers import venv_python
from tests.codemod.realworld.fetch import bring
from tests.codemod.realworld.imports import importable, still_importable
from tests.codemod.realworld.measure import Row, measure
from tests.codemod.realworld.pins import PINS, Pin

HEADER = ("| repository (pinned) | files | changed | rules applied | TODOs | compile() | "
          "FJE names missing in 4.x | imports on 4.7 | 3.x names left unflagged |\n"
          "|---|---|---|---|---|---|---|---|---|")


def line(row: Row, commit: str) -> str:
    """One row of the table, as the notes' codemod section carries it."""
    rules = sum(row.rules.values())
    kinds = len(row.rules)
    applied = f"{rules} ({kinds} rule{'s' if kinds != 1 else ''})" if rules else "0"
    parsed = f"{row.files}" + (f" (+{row.not_parsed} not parsed)" if row.not_parsed else "")
    return (f"| {row.repo}@{commit[:7]} | {parsed} | {row.changed} | {applied} | {row.todos} | "
            f"{row.compiles}/{row.compilable} | {len(row.missing_4x)} | "
            f"{row.imports[0]}/{row.imports[1]} | {len(row.unflagged)} |")


def report_row(pin: Pin, out: Path, mirrors: Path | None,
               afters: Path | None = None) -> Row | None:
    """The codemod on one pinned repository (its output under `afters`, default <out>),
    measured; its modules imported before (3.25.1) and after (4.7). None when the repository
    cannot be had."""
    before = bring(pin, out, mirrors)
    if before is None:
        return None
    source = before / pin.under if pin.under else before
    after = row_after(afters or out, pin)
    row = measure(pin.repo, source, after)
    done, base, row.lost = still_importable(importable(venv_python("fje3"), source),
                                            importable(venv_python("v2"), after))
    row.imports = (done, base)
    return row


def row_after(root: Path, pin: Pin) -> Path:
    return root / pin.repo.replace("/", "+") / "after"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.codemod.realworld")
    parser.add_argument("--mirrors", type=Path, default=os.environ.get("CORPUS_MIRRORS"))
    parser.add_argument("--out", type=Path, default=Path("corpus"))
    args = parser.parse_args(argv)
    rows, details = [HEADER], []
    for pin in PINS:
        row = report_row(pin, args.out, args.mirrors)
        if row is None:
            continue
        rows.append(line(row, pin.commit))
        details += [f"- {pin.repo}: {miss}" for miss in row.missing_4x + row.unflagged
                    + row.lost]
    report = "\n".join(rows) + "\n\n" + ("\n".join(details) or "no silent miss") + "\n"
    args.out.mkdir(exist_ok=True)
    (args.out / "report.md").write_text(report)
    print(report)
    return 0 if len(rows) > 1 else 2


if __name__ == "__main__":
    sys.exit(main())
