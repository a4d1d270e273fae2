"""The LibCST transformer: one pass over a module, rewriting what is mechanical and leaving a
`# TODO[jwt_upgrade FJEnnn]: ...` comment above the statement where a human must decide.

Names are followed through imports: `from flask_jwt_extended import jwt_optional as opt`,
`import flask_jwt_extended as fje` (`fje.jwt_optional`). Anything it cannot resolve is left
alone: a codemod that guesses is worse than one that asks. The rules are split by the nodes
they touch: imports.py, calls.py, and here the decorators, loader callbacks and settings.
"""

from collections import Counter

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.calls import CallRules
from jwt_upgrade.imports import ImportRules
from jwt_upgrade.nodes import (
    TODO_PREFIX,
    config_key,
    dotted,
    keyword,
    used_only_as_mapping,
)


class Upgrade(ImportRules, CallRules):
    # --- decorators, also in Flask-RESTful's `decorators = [...]` ----------------------------

    def bare_decorator(self, node: cst.BaseExpression) -> cst.BaseExpression:
        name = self.fje(node)
        if name not in R.DECORATORS or not self.on(R.DECORATORS[name][0]):
            return node
        rule, option = R.DECORATORS[name]
        self.apply(rule)
        func = node
        if name != "jwt_required":
            if isinstance(node, cst.Attribute):
                func = node.with_changes(attr=cst.Name("jwt_required"))
            elif isinstance(node, cst.Name) and node.value == name:  # not aliased
                func = cst.Name("jwt_required")
        return cst.Call(func=func, args=[keyword(option)] if option else [])

    def leave_Decorator(self, original: cst.Decorator, updated: cst.Decorator) -> cst.Decorator:
        return updated.with_changes(decorator=self.bare_decorator(updated.decorator))

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        targets = {dotted(t.target) for t in updated.targets}
        if targets & {"decorators", "method_decorators"} and isinstance(updated.value, cst.List):
            elements = [e.with_changes(value=self.bare_decorator(e.value))
                        for e in updated.value.elements]
            return updated.with_changes(value=updated.value.with_changes(elements=elements))
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        loaders = {dotted(d.decorator).rsplit(".", 1)[-1] for d in node.decorators}
        claims_loader = loaders & {"user_claims_loader", "additional_claims_loader"}
        params = node.params.params
        self.identities.append(params[0].name.value if claims_loader and params else "")

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef):
        self.identities.pop()
        loaders = {d.decorator.attr.value for d in updated.decorators
                   if isinstance(d.decorator, cst.Attribute)}
        if "decode_key_loader" in loaders:
            self.todo("FJE104")
        if not loaders & R.TWO_ARGUMENT_LOADERS or not self.on("FJE101"):
            return updated
        params = updated.params.params
        if len(params) == 2:
            return updated
        if len(params) == 0 or (len(params) == 1 and used_only_as_mapping(
                updated.body, params[0].name.value)):
            self.apply("FJE101")
            payload = params[0] if params else cst.Param(cst.Name("_jwt_payload"))
            new = [cst.Param(cst.Name("_jwt_header"), comma=cst.Comma(
                whitespace_after=cst.SimpleWhitespace(" "))), payload]
            return updated.with_changes(params=updated.params.with_changes(params=new))
        self.todo("FJE101")
        return updated

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine):
        setting = config_key(updated)
        if setting in R.REMOVED_SETTINGS and self.on("FJE012"):
            self.apply("FJE012")
            self.todo("FJE012", f"{setting} was removed in 4.x (line deleted): "
                                f"{R.REMOVED_SETTINGS[setting]}")
            return cst.RemoveFromParent()
        if setting in R.FLASK_JWT_SETTINGS:
            self.todo("FJE201", f"{setting} is Flask-JWT's; Flask-JWT-Extended's is "
                                f"{R.FLASK_JWT_SETTINGS[setting]} (see {R.NOTES})")
        return updated


def upgrade(source: str, enabled: set[str] | None = None) -> tuple[str, Counter[str]]:
    """(the rewritten source, how often each rule applied)."""
    transformer = Upgrade(set(R.RULES) if enabled is None else enabled)
    module = cst.parse_module(source).visit(transformer)
    return module.code, transformer.applied


def todos_in(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if TODO_PREFIX in line]
