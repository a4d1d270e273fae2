"""What every rule needs: which rules are on, what was applied, the TODOs of the statement
being visited, and how names resolve to flask_jwt_extended's."""

from collections import Counter

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.nodes import STATEMENTS, comments, dotted, merge
from jwt_upgrade.project import Project


class UpgradeBase(cst.CSTTransformer):
    def __init__(self, enabled: set[str], project: Project | None = None, here: str = "",
                 bound: frozenset[str] = frozenset()):
        super().__init__()
        self.enabled = enabled
        self.project = project or Project()
        self.here = here  # this module's name, for relative imports
        self.bound = bound  # names this module defines itself: a star import does not win
        self.applied: Counter[str] = Counter()
        self.names: dict[str, str] = {}  # local name -> flask_jwt_extended name
        self.modules: set[str] = set()  # local names of the flask_jwt_extended module
        self.pyjwt: set[str] = set()  # local names of PyJWT's module (import jwt [as ...])
        self.imported: set[tuple[str, str | None]] = set()  # (name, alias) kept so far
        self.flask_jwt: set[str] = set()  # local names imported from flask_jwt
        self.safe_str_cmp: set[str] = set()
        self.url_quote: set[str] = set()  # local names of werkzeug's url_quote, now quote
        self.managers: set[str] = set()  # local names bound to flask_jwt_extended's JWTManager()
        self.lookalike = False  # imports a look-alike library (quart_jwt_extended, ...)
        self.registered: dict[str, set[str]] = {}  # function -> loaders it is registered with
        self.defined: set[str] = set()  # functions defined at this module's top level
        self.origins: dict[str, tuple[str, str]] = {}  # imported name -> (module, name)
        self.keyed: set[int] = set()  # ids of calls read by one custom key: call["is_admin"]
        self.token_params: list[str] = []  # the 3.x token argument of each loader being visited
        self.identity_vars: set[str] = set()  # names assigned get_jwt_identity(), in scope
        self.identity_scopes: list[set[str]] = []  # those of the enclosing functions
        self.need_hmac = False
        self.importing = False  # inside an import statement: its names are not uses
        self.not_uses: set[int] = set()  # ids of Name nodes that are no expression (attr, def)
        self.callees: set[int] = set()  # ids of the expressions that are called
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

    def new_import_name(self, name: str) -> str:
        if name in R.DECORATORS and self.on(R.DECORATORS[name][0]):
            return "jwt_required"
        if name in R.VERIFY_CALLS and self.on("FJE005"):
            return "verify_jwt_in_request"
        if name in R.RENAMES and self.on(R.RENAMES[name][0]):
            return R.RENAMES[name][1]
        return name

    def fje(self, node: cst.BaseExpression) -> str | None:
        """The flask_jwt_extended name an expression refers to, if any."""
        if isinstance(node, cst.Name):
            return self.names.get(node.value)
        if isinstance(node, cst.Attribute) and self.is_module(node.value):
            return node.attr.value
        return None

    def is_module(self, node: cst.BaseExpression) -> bool:
        """Whether an expression is flask_jwt_extended or one of its submodules, by any name."""
        name = dotted(node)
        return bool(name) and any(name == m or name.startswith(m + ".") for m in self.modules)

    def on_visit(self, node: cst.CSTNode) -> bool:
        # Names that are not expressions (an attribute's name, a def's, a keyword) and the
        # expressions that are called: a bare 3.x decorator elsewhere becomes jwt_required(...)
        if isinstance(node, cst.Attribute):
            self.not_uses.add(id(node.attr))
        elif isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Param):
            self.not_uses.add(id(node.name))
        elif isinstance(node, cst.Arg) and node.keyword:
            self.not_uses.add(id(node.keyword))
        elif isinstance(node, cst.Call):
            self.callees.add(id(node.func))
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
            elif isinstance(result, cst.FlattenSentinel) and todos:  # one line became several
                first, *rest = result.nodes
                if isinstance(first, STATEMENTS):
                    result = cst.FlattenSentinel([first.with_changes(leading_lines=merge(
                        first.leading_lines, comments(todos))), *rest])
            elif isinstance(result, STATEMENTS):
                todos, self.carried[-1] = [*self.carried[-1], *todos], []
                if todos:
                    result = result.with_changes(
                        leading_lines=merge(result.leading_lines, comments(todos)))
        return result
