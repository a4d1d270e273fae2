"""The LibCST transformer: one pass over a module, rewriting what is mechanical and leaving a
`# TODO[jwt_upgrade FJEnnn]: ...` comment above the statement where a human must decide.

Names are followed through imports: `from flask_jwt_extended import jwt_optional as opt`,
`import flask_jwt_extended as fje` (`fje.jwt_optional`), star imports and the project's own
re-exports (project.py). The rules are split by the nodes they touch: imports.py, calls.py,
claims.py, settings.py, flask.py, and here the loader callbacks.
"""

from collections import Counter

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.calls import CallRules
from jwt_upgrade.facts import module_facts
from jwt_upgrade.flask import FlaskRules
from jwt_upgrade.imports import ImportRules
from jwt_upgrade.nodes import TODO_PREFIX, dotted, subscripted, used_only_as_mapping
from jwt_upgrade.project import Project
from jwt_upgrade.settings import SettingsRules


class Upgrade(SettingsRules, FlaskRules, ImportRules, CallRules):
    def loaders_of(self, node: cst.FunctionDef) -> set[str]:
        """The 3.x (or 4.x) loader names this function is given to, by decorator or call."""
        found = {d.decorator.attr.value for d in node.decorators
                 if isinstance(d.decorator, cst.Attribute)
                 and d.decorator.attr.value in R.LOADER_ARITY | R.LOADER_RENAMES
                 and self.fje_manager(d.decorator.value)}
        return found | self.registered.get(node.name.value, set())

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.keyed_claims(node)
        self.identity_scopes.append(self.identity_vars)  # names of this function's own
        self.identity_vars = set(self.identity_vars)
        loaders = self.loaders_of(node)
        params = node.params.params
        first = params[0].name.value if params else ""
        claims = loaders & {"user_claims_loader", "additional_claims_loader"}
        self.identities.append(first if claims else "")
        self.token_params.append(first if loaders & R.TOKEN_LOADERS and len(params) == 1
                                 else "")

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        self.identities.pop()
        self.identity_vars = self.identity_scopes.pop()
        self.token_params.pop()
        loaders = self.loaders_of(original)
        new = {R.LOADER_RENAMES.get(name, (None, name))[1] for name in loaders}
        # A first parameter named for the header is 4.x's order already (3.x: claims first).
        params = original.params.params
        if "decode_key_loader" in new and not (params and "header" in params[0].name.value):
            self.todo("FJE104")
        identity = original.params.params[0].name.value if original.params.params else ""
        if new & {"additional_claims_loader", "user_lookup_loader", "user_lookup_error_loader"} \
                and identity and subscripted(original.body, identity) \
                and len(original.params.params) == 1:
            self.todo("FJE106", f"the identity is read as a dict here: {R.TODO['FJE106']}")
        if len({R.LOADER_ARITY.get(name, 1) for name in new}) > 1:
            self.todo("FJE112")
            return updated
        returns = [r.value for r in returned(original) if r.value is not None]
        if new & {"additional_claims_loader"} and not all(
                isinstance(v, cst.Dict | cst.DictComp)
                or (isinstance(v, cst.Call) and dotted(v.func) == "dict") for v in returns):
            self.todo("FJE107")
        if "user_identity_loader" in new:
            for value in returns:
                self.identity_todo(value, "what the user_identity_loader returns")
        if not new & R.TWO_ARGUMENT_LOADERS or not self.on("FJE101"):
            return updated
        params = updated.params.params
        if len(params) == 2:
            return updated
        if loaders & R.IDENTITY_LOADERS and len(params) == 1 and self.on("FJE015"):
            return self.identity_loader(updated)
        if len(params) == 0 or (len(params) == 1 and used_only_as_mapping(
                updated.body, params[0].name.value)):
            self.apply("FJE101")
            payload = params[0] if params else cst.Param(cst.Name("_jwt_payload"))
            return updated.with_changes(params=updated.params.with_changes(
                params=[header(), payload]))
        self.todo("FJE101")
        return updated

    def identity_loader(self, node: cst.FunctionDef) -> cst.FunctionDef:
        """3.x passed the identity; 4.x the header and the token: read the identity from it."""
        self.apply("FJE015")
        self.identity_claim_todo()
        name = node.params.params[0].name.value
        payload = "jwt_data" if name != "jwt_data" else "_jwt_data"
        first = cst.parse_statement(f'{name} = {payload}["sub"]\n')
        body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
        docstring = 1 if body and isinstance(body[0], cst.SimpleStatementLine) and isinstance(
            body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value,
                                                      cst.SimpleString) else 0
        body.insert(docstring, first)
        params = [header(), cst.Param(cst.Name(payload))]
        return node.with_changes(params=node.params.with_changes(params=params),
                                 body=node.body.with_changes(body=body))


def header() -> cst.Param:
    return cst.Param(cst.Name("_jwt_header"),
                     comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))


def returned(node: cst.FunctionDef) -> list[cst.Return]:
    """The return statements of a function, not of the functions inside it."""
    found: list[cst.Return] = []

    class Returns(cst.CSTVisitor):
        def visit_FunctionDef(self, inner: cst.FunctionDef) -> bool:
            return inner is node

        def visit_Return(self, ret: cst.Return) -> None:
            found.append(ret)

    node.visit(Returns())
    return found


def upgrade(source: str, enabled: set[str] | None = None, project: Project | None = None,
            here: str = "") -> tuple[str, Counter[str]]:
    """(the rewritten source, how often each rule applied)."""
    tree = cst.parse_module(source)
    facts = module_facts(tree)
    transformer = Upgrade(set(R.RULES) if enabled is None else enabled, project, here,
                          facts.bound)
    transformer.registered, transformer.defined = facts.registered, facts.defined
    for (owner, function), loaders in (project.registered if project else {}).items():
        if owner == here.removesuffix(".__init__"):  # registered by another module's call
            transformer.registered.setdefault(function, set()).update(loaders)
    transformer.managers = facts.managers
    if project is None:  # one file alone: it is its own project
        transformer.project.claims_loader = facts.claims_loader
        transformer.project.identity_loader = facts.identity_loader
        transformer.project.identity_claim = facts.identity_claim
        transformer.project.uses_fje = True  # a file given alone is given to be upgraded
    module = tree.visit(transformer)
    return module.code, transformer.applied


def todos_in(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if TODO_PREFIX in line]
