"""The project being upgraded, seen as a whole before any file is rewritten.

A name can reach a module through the project's own modules: `from .auth import jwt_optional`
where auth.py imported it from flask_jwt_extended, a package __init__ that re-exports it, a star
import. One pass over every file given records what each module re-exports, so that the rewrite
of one file follows names into the others (and renames both ends of a re-export together).
"""

from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from jwt_upgrade.facts import module_facts, sets_identity_claim
from jwt_upgrade.nodes import dotted, is_fje_module

WERKZEUG_SAFE_STR_CMP = "werkzeug.security.safe_str_cmp"


@dataclass
class Project:
    # module name -> {name it exports: what it is ("flask_jwt_extended.<name>" or safe_str_cmp)}
    exports: dict[str, dict[str, str]] = field(default_factory=dict)
    claims_loader: bool = False  # a user_claims_loader / additional_claims_loader somewhere
    identity_loader: bool = False  # a user_identity_loader somewhere
    identity_claim: bool = False  # JWT_IDENTITY_CLAIM set somewhere: the identity is not 'sub'
    uses_fje: bool = False  # some module imports flask_jwt_extended
    files: dict[Path, str] = field(default_factory=dict)  # file -> its module (a.__init__)
    # (module, function) -> the loaders another module registers it with by a call
    registered: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    defined: dict[str, set[str]] = field(default_factory=dict)  # module -> its functions

    def resolve(self, module: str, level: int, here: str) -> str:
        """The absolute module name of `from <dots><module> import ...` written in `here`."""
        if not level:
            return module
        package = here.split(".")[: -level] if here else []
        return ".".join([*package, module] if module else package)


def module_name(path: Path) -> str:
    """a/b/c.py -> 'a.b.c' as far up as packages (__init__.py) go; a/__init__.py -> 'a'."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent.resolve()
    while (folder / "__init__.py").exists() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


class _Exports(cst.CSTVisitor):
    def __init__(self, project: Project, here: str):
        self.project, self.here = project, here
        self.found: dict[str, str] = {}
        self.origins: dict[str, tuple[str, str]] = {}  # local name -> (module, name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = self.project.resolve(dotted(node.module) if node.module else "",
                                      len(node.relative), self.here)
        if is_fje_module(module):  # any name imported from it; a star brings the public ones
            names = _star_names(module) if isinstance(node.names, cst.ImportStar) \
                else [dotted(a.name) for a in node.names]
            known = {n: f"flask_jwt_extended.{n}" for n in names}
        elif module == "werkzeug.security":
            known = {"safe_str_cmp": WERKZEUG_SAFE_STR_CMP}
        else:
            known = self.project.exports.get(module, {})
            if not isinstance(node.names, cst.ImportStar):
                self.origins |= {dotted(a.asname.name) if a.asname else dotted(a.name):
                                 (module, dotted(a.name)) for a in node.names}
        if isinstance(node.names, cst.ImportStar):
            self.found.update(known)
            return
        for alias in node.names:
            name = dotted(alias.name)
            if name in known:
                self.found[dotted(alias.asname.name) if alias.asname else name] = known[name]

    def visit_Decorator(self, node: cst.Decorator) -> None:
        name = dotted(node.decorator).rsplit(".", 1)[-1]
        self.project.claims_loader |= name in {"user_claims_loader", "additional_claims_loader"}
        self.project.identity_loader |= name == "user_identity_loader"

    def visit_Call(self, node: cst.Call) -> None:  # loaders registered by a call
        self.visit_Decorator(cst.Decorator(decorator=node.func))
        loader = dotted(node.func).rsplit(".", 1)[-1]
        if loader.endswith("_loader") and len(node.args) == 1 \
                and (origin := self.origins.get(dotted(node.args[0].value))):
            self.project.registered.setdefault(origin, set()).add(loader)

    def visit_Assign(self, node: cst.Assign) -> None:
        self.project.identity_claim |= sets_identity_claim(node)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self.project.identity_claim |= sets_identity_claim(node)

    def visit_Arg(self, node: cst.Arg) -> None:
        self.project.identity_claim |= sets_identity_claim(node)


def _star_names(module: str) -> list[str]:
    from jwt_upgrade.surface import EXCEPTIONS_3X, PUBLIC_3X  # what a 3.x star import brings

    return list(EXCEPTIONS_3X if module.endswith(".exceptions") else PUBLIC_3X)


def scan(files: list[Path]) -> Project:
    """Every file parsed once; re-exports followed until nothing new is learnt."""
    project = Project()
    trees: dict[str, cst.Module] = {}
    for path in files:
        try:
            tree = cst.parse_module(path.read_text())
        except (cst.ParserSyntaxError, UnicodeDecodeError):
            continue
        name = module_name(path)
        # relative imports resolve from the package an __init__ stands for
        project.files[path] = f"{name}.__init__" if path.name == "__init__.py" else name
        trees[project.files[path]] = tree
        facts = module_facts(tree)
        project.defined[name] = facts.defined
        project.uses_fje |= facts.uses_fje
    for _ in range(10):  # re-export chains are short; ten rounds is plenty
        before = {m: dict(e) for m, e in project.exports.items()}
        for name, tree in trees.items():
            visitor = _Exports(project, name)
            tree.visit(visitor)
            if visitor.found:
                project.exports[name.removesuffix(".__init__")] = visitor.found
        if project.exports == before:
            break
    return project
