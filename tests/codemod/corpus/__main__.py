"""python -m tests.codemod.corpus [--mirrors DIR] [--out corpus]: bring the pinned corpus,
run jwt_upgrade on a copy of each repository, and print the table the notes carry (also
written to <out>/report.md, with every silent miss listed under it)."""

import argparse
import os
import sys
from pathlib import Path

from tests.codemod.corpus.fetch import bring
from tests.codemod.corpus.measure import Row, measure
from tests.codemod.corpus.pins import PINS

HEADER = ("| repository (pinned) | files | changed | rules applied | TODOs | compile() | "
          "FJE names missing in 4.x | 3.x names left unflagged |\n"
          "|---|---|---|---|---|---|---|---|")


def line(row: Row, commit: str) -> str:
    """One row of the table, as the notes' codemod section carries it."""
    rules = sum(row.rules.values())
    kinds = len(row.rules)
    applied = f"{rules} ({kinds} rule{'s' if kinds != 1 else ''})" if rules else "0"
    parsed = f"{row.files}" + (f" (+{row.not_parsed} not parsed)" if row.not_parsed else "")
    return (f"| {row.repo}@{commit[:7]} | {parsed} | {row.changed} | {applied} | {row.todos} | "
            f"{row.compiles}/{row.compilable} | {len(row.missing_4x)} | {len(row.unflagged)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.codemod.corpus")
    parser.add_argument("--mirrors", type=Path, default=os.environ.get("CORPUS_MIRRORS"))
    parser.add_argument("--out", type=Path, default=Path("corpus"))
    args = parser.parse_args(argv)
    rows, details = [HEADER], []
    for pin in PINS:
        before = bring(pin, args.out, args.mirrors)
        if before is None:
            continue
        row = measure(pin.repo, before / pin.under if pin.under else before,
                      args.out / pin.repo.replace("/", "+") / "after")
        rows.append(line(row, pin.commit))
        details += [f"- {pin.repo}: {miss}" for miss in row.missing_4x + row.unflagged]
    report = "\n".join(rows) + "\n\n" + ("\n".join(details) or "no silent miss") + "\n"
    args.out.mkdir(exist_ok=True)
    (args.out / "report.md").write_text(report)
    print(report)
    return 0 if len(rows) > 1 else 2


if __name__ == "__main__":
    sys.exit(main())
