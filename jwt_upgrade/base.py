"""What every rule needs: which rules are on, what was applied, the TODOs of the statement
being visited, and how names resolve to flask_jwt_extended's."""

from collections import Counter

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.nodes import STATEMENTS, comments, dotted, merge


class UpgradeBase(cst.CSTTransformer):
    def __init__(self, enabled: set[str]):
        super().__init__()
        self.enabled = enabled
        self.applied: Counter[str] = Counter()
        self.names: dict[str, str] = {}  # local name -> flask_jwt_extended name
        self.modules: set[str] = set()  # local names of the flask_jwt_extended module
        self.pyjwt: set[str] = set()  # local names of PyJWT's module (import jwt [as ...])
        self.imported: set[tuple[str, str | None]] = set()  # (name, alias) kept so far
        self.flask_jwt: set[str] = set()  # local names imported from flask_jwt
        self.safe_str_cmp: set[str] = set()
        self.need_hmac = False
        self.importing = False  # inside an import statement: its names are not uses
        self.identities: list[str] = []  # parameters of the claims loaders being visited
        self.frames: list[list[tuple[str, str]]] = []  # TODOs of each open statement
        self.carried: list[list[tuple[str, str]]] = [[]]  # TODOs of removed lines, per block

    # --- bookkeeping ---------------------------------------------------------------------

    def on(self, rule: str) -> bool:
        return rule in self.enabled

    def apply(self, rule: str) -> None:
        self.applied[rule] += 1

    def todo(self, rule: str, text: str | None = None) -> None:
        if self.on(rule) and self.frames:
            item = (rule, text or R.TODO[rule])
            if item not in self.frames[-1]:
                self.frames[-1].append(item)

    def fje(self, node: cst.BaseExpression) -> str | None:
        """The flask_jwt_extended name an expression refers to, if any."""
        if isinstance(node, cst.Name):
            return self.names.get(node.value)
        if isinstance(node, cst.Attribute) and dotted(node.value) in self.modules:
            return node.attr.value
        return None

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, STATEMENTS):
            self.frames.append([])
        if isinstance(node, cst.Module | cst.IndentedBlock):
            self.carried.append([])
        return super().on_visit(node)

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        result = super().on_leave(original, updated)
        if isinstance(original, cst.Module | cst.IndentedBlock):
            leftover = self.carried.pop()
            if leftover and isinstance(result, cst.Module | cst.IndentedBlock):
                result = result.with_changes(footer=[*result.footer, *comments(leftover)])
        if isinstance(original, STATEMENTS):
            todos = self.frames.pop()
            if isinstance(result, cst.RemovalSentinel):
                self.carried[-1].extend(todos)
            elif isinstance(result, STATEMENTS):
                todos, self.carried[-1] = [*self.carried[-1], *todos], []
                if todos:
                    result = result.with_changes(
                        leading_lines=merge(result.leading_lines, comments(todos)))
        return result
