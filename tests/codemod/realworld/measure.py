"""What jwt_upgrade does to one repository of the corpus, measured on its output:
files, rules applied, TODOs, compile(), whether every flask_jwt_extended name it imports or
reaches exists in 4.x (this interpreter's 4.7), and the 3.x names left in code with no TODO of
ours at their statement (the silent misses: the goal is 0)."""

import io
import re
import shutil
import tokenize
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import flask_jwt_extended
import flask_jwt_extended.exceptions
import libcst as cst

from jwt_upgrade.nodes import TODO_PREFIX, dotted, is_fje_module
from jwt_upgrade.project import scan
from jwt_upgrade.rules import LOADER_RENAMES, REMOVED_SETTINGS
from jwt_upgrade.surface import GONE_IN_4X
from jwt_upgrade.transform import todos_in, upgrade

# 3.x-only words: names, loader methods and settings (jwt_required is 4.x's as well).
# Flask/Werkzeug 2.0 names gone in 3.1 that are unambiguous as words (url_quote is not: the
# rewrite keeps it as the local name of urllib's quote).
FLASK_2 = {"before_first_request", "_request_ctx_stack", "_app_ctx_stack", "json_encoder",
           "safe_str_cmp", "attachment_filename"}
THREE_X = sorted(GONE_IN_4X | set(LOADER_RENAMES) | set(REMOVED_SETTINGS) | FLASK_2)
WORDS = re.compile(r"\b(" + "|".join(THREE_X) + r")\b")
VENDORED = ("site-packages", "lib/python", "/bin/", "node_modules")


@dataclass
class Row:
    repo: str
    files: int = 0
    changed: int = 0
    not_parsed: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    todos: int = 0
    compiles: int = 0  # outputs that compile(), of those whose input compiled
    compilable: int = 0
    missing_4x: list[str] = field(default_factory=list)  # FJE names 4.x does not have
    unflagged: list[str] = field(default_factory=list)  # file:line: 3.x word, no TODO
    imports: tuple[int, int] = (0, 0)  # modules importing on 4.7 after, of those on 3.25.1
    lost: list[str] = field(default_factory=list)  # modules that imported before, not after


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if not any(v in str(p.relative_to(root))
                                                           for v in VENDORED))


def compiles(source: str) -> bool:
    with warnings.catch_warnings():  # their invalid escapes are warnings, not our finding
        warnings.simplefilter("ignore")
        try:
            compile(source, "corpus", "exec")
        except (SyntaxError, ValueError):
            return False
    return True


def code_lines(source: str) -> dict[int, str]:
    """Each line's code without its comments and docstrings (prose names 3.x words too); a
    string inside code (a mock.patch target, a settings key) stays."""
    lines: dict[int, str] = {}
    starts = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT,
              tokenize.ENCODING}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return lines
    for i, token in enumerate(tokens):
        before = tokens[i - 1].type if i else tokenize.NEWLINE
        after = tokens[i + 1].type if i + 1 < len(tokens) else tokenize.NEWLINE
        docstring = token.type == tokenize.STRING and before in starts \
            and after in {tokenize.NEWLINE, tokenize.ENDMARKER}
        if token.type != tokenize.COMMENT and not docstring:
            lines[token.start[0]] = lines.get(token.start[0], "") + " " + token.string
    return lines


def flagged_lines(source: str) -> set[int]:
    """Lines of statements that carry a TODO of ours (the TODO sits above the statement)."""
    lines = source.splitlines()
    flagged: set[int] = set()
    for number, line in enumerate(lines, 1):
        if TODO_PREFIX in line:
            following = number + 1  # the statement below the TODO block, to its end
            while following <= len(lines) and lines[following - 1].lstrip().startswith("#"):
                following += 1
            depth = 0
            while following <= len(lines):
                text = lines[following - 1]
                flagged.add(following)
                depth += text.count("(") + text.count("[") + text.count("{")
                depth -= text.count(")") + text.count("]") + text.count("}")
                if depth <= 0 and not text.rstrip().endswith(("\\", ",")) \
                        and not text.lstrip().startswith("@"):
                    break
                following += 1
    return flagged


class FjeNames(cst.CSTVisitor):
    """flask_jwt_extended names this output imports or reaches as module attributes."""

    def __init__(self) -> None:
        self.modules: set[str] = set()
        self.names: set[tuple[str, str]] = set()

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if is_fje_module(dotted(alias.name)):
                self.modules.add(dotted(alias.asname.name) if alias.asname
                                 else dotted(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted(node.module) if node.module else ""
        if is_fje_module(module) and not isinstance(node.names, cst.ImportStar):
            self.names |= {(module, dotted(a.name)) for a in node.names}

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if dotted(node.value) in self.modules:
            module = dotted(node.value)
            self.names.add(("flask_jwt_extended.exceptions" if module.endswith("exceptions")
                            else "flask_jwt_extended", node.attr.value))


def exists_in_4x(module: str, name: str) -> bool:
    target = flask_jwt_extended.exceptions if module.endswith("exceptions") \
        else flask_jwt_extended
    return hasattr(target, name) or module not in {"flask_jwt_extended",
                                                   "flask_jwt_extended.exceptions"}


def measure(repo: str, before: Path, after: Path) -> Row:
    if after.exists():
        shutil.rmtree(after)
    shutil.copytree(before, after, symlinks=True)
    row, files = Row(repo), python_files(after)
    project = scan(files)
    for path in files:
        source = path.read_text(errors="replace")
        try:
            new, counts = upgrade(source, None, project, project.files.get(path, ""))
        except cst.ParserSyntaxError:
            row.not_parsed += 1
            continue
        row.files += 1
        row.rules += counts
        row.todos += len(todos_in(new))
        if new != source:
            row.changed += 1
            path.write_text(new)
        if compiles(source):
            row.compilable += 1
            row.compiles += compiles(new)
        names = FjeNames()
        cst.parse_module(new).visit(names)
        row.missing_4x += [f"{path.relative_to(after)}: {m}.{n}" for m, n in
                           sorted(names.names) if not exists_in_4x(m, n)]
        flagged = flagged_lines(new)
        for number, code in sorted(code_lines(new).items()):
            if (word := WORDS.search(code)) and number not in flagged:
                row.unflagged.append(f"{path.relative_to(after)}:{number}: {word.group(1)}")
    return row
