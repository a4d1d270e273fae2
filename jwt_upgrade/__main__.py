"""python -m jwt_upgrade [--diff] [--check] [--only FJE001,...] [--skip ...] PATH...
python -m jwt_upgrade --rules          every rule id, one line each

Default: rewrite the files in place. --diff: print a unified diff, write nothing. --check:
write nothing; print file:line for each finding (a line it would rewrite, a TODO it would
add or that is left: resolve it and delete the comment); exit 1 when there is any, else 0.
Exit 2 when there is nothing to process or a file does not parse. A file or folder named on
the command line is always processed; folders whose name starts with a dot are skipped only
while walking a folder. Relative paths start from --base (make upgrade passes the folder make
was called from), else from the current folder.
"""

import argparse
import difflib
import os
import sys
from collections import Counter
from pathlib import Path

import libcst as cst

from jwt_upgrade.nodes import TODO_PREFIX
from jwt_upgrade.project import scan
from jwt_upgrade.rules import RULES
from jwt_upgrade.transform import todos_in, upgrade


def python_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():  # only the parts below the named folder count as "hidden"
            found += sorted(p for p in path.rglob("*.py") if not any(
                part.startswith(".") for part in p.relative_to(path).parts))
        elif path.exists():
            found.append(path)
        else:
            print(f"{path}: no such file or folder (relative paths start from {Path.cwd()})",
                  file=sys.stderr)
    return found


def findings(source: str, new: str) -> list[tuple[int, str]]:
    """What --check reports, as (line in the file as it is now, what is there): each line the
    upgrade would rewrite or remove, each TODO it would add, and each TODO already left."""
    old_lines, new_lines = source.splitlines(), new.splitlines()
    found: list[tuple[int, str]] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            found += [(i1 + k + 1, line.strip()) for k, line in enumerate(old_lines[i1:i2])
                      if TODO_PREFIX in line]
            continue
        added = [line.strip() for line in new_lines[j1:j2]]
        found += [(i1 + 1, line) for line in added if TODO_PREFIX in line]
        rewritten = [line for line in added if TODO_PREFIX not in line and line]
        if rewritten:
            found.append((i1 + 1, f"would become: {rewritten[0]}"
                          + (f" (+{len(rewritten) - 1} line(s))" if len(rewritten) > 1 else "")))
        elif removed := [(i1 + k + 1, line.strip()) for k, line in
                         enumerate(old_lines[i1:i2]) if line.strip()]:  # blank lines: no news
            found.append((removed[0][0], f"would be removed: {removed[0][1]}"))
    return sorted(found, key=lambda f: f[0])


def rule_ids(text: str | None) -> set[str]:
    ids = {part.strip().upper() for part in (text or "").split(",") if part.strip()}
    if unknown := ids - set(RULES):
        raise SystemExit(f"unknown rule id(s): {', '.join(sorted(unknown))}")
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jwt_upgrade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--diff", action="store_true", help="print a diff, write nothing")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if needed")
    parser.add_argument("--only", help="comma-separated rule ids to apply")
    parser.add_argument("--skip", help="comma-separated rule ids not to apply")
    parser.add_argument("--rules", action="store_true", help="list the rule ids and stop")
    parser.add_argument("--base", type=Path, help="the folder relative paths start from")
    args = parser.parse_args(argv)
    if args.rules:
        for rule, what in RULES.items():
            print(f"{rule}  {what}")
        return 0
    if not args.paths:
        parser.error("name the files or folders to upgrade (make upgrade PATHS=...)")
    if args.base:  # make runs in the clone: the caller's paths are relative to their folder
        os.chdir(args.base)
    enabled = (rule_ids(args.only) or set(RULES)) - rule_ids(args.skip)

    applied: Counter[str] = Counter()
    changed = todos = 0
    failed = sum(not path.exists() for path in args.paths)  # named, so it must be processed
    files = python_files(args.paths)
    if not files:
        print("jwt_upgrade: no Python file to process in "
              f"{' '.join(map(str, args.paths))}", file=sys.stderr)
        return 2
    project = scan(files)  # names re-exported through the project's own modules
    for path in files:
        source = path.read_text()
        try:
            new, counts = upgrade(source, enabled, project, project.files.get(path, ""))
        except cst.ParserSyntaxError as e:
            print(f"{path}: not parsed, left alone ({e.message})", file=sys.stderr)
            failed += 1
            continue
        applied += counts
        left = todos_in(new)
        todos += len(left)
        if new != source:
            changed += 1
            if args.diff:
                sys.stdout.writelines(difflib.unified_diff(
                    source.splitlines(keepends=True), new.splitlines(keepends=True),
                    f"a/{path}", f"b/{path}"))
            elif not args.check:
                path.write_text(new)
        for number, finding in findings(source, new) if args.check else []:
            print(f"{path}:{number}: {finding}")
    rules = ", ".join(f"{rule} x{n}" for rule, n in sorted(applied.items())) or "none"
    verb = "would change" if args.diff or args.check else "changed"
    print(f"jwt_upgrade: {changed} of {len(files)} file(s) {verb}; rules applied: {rules}; "
          f"{todos} TODO(s) left for a human")
    if failed:
        return 2
    return 1 if args.check and (changed or todos) else 0


if __name__ == "__main__":
    sys.exit(main())
