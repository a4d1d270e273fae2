"""The LibCST transformer: one pass over a module, rewriting what is mechanical and leaving a
`# TODO[jwt_upgrade FJEnnn]: ...` comment above the statement where a human must decide.

Names are followed through imports: `from flask_jwt_extended import jwt_optional as opt`,
`import flask_jwt_extended as fje` (`fje.jwt_optional`). Anything it cannot resolve is left
alone: a codemod that guesses is worse than one that asks.
"""

from collections import Counter

import libcst as cst

from jwt_upgrade import rules as R

FJE = "flask_jwt_extended"
STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
TODO_PREFIX = "# TODO[jwt_upgrade "
NO_SPACE = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                           whitespace_after=cst.SimpleWhitespace(""))


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def keyword(name: str) -> cst.Arg:
    return cst.Arg(value=cst.Name("True"), keyword=cst.Name(name), equal=NO_SPACE)


class Upgrade(cst.CSTTransformer):
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

    # --- imports ---------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            local = dotted(alias.asname.name) if alias.asname else dotted(alias.name)
            if dotted(alias.name) == FJE:
                self.modules.add(local)
            elif dotted(alias.name) == "jwt":
                self.pyjwt.add(local)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.importing = True
        module = dotted(node.module) if node.module else ""
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name)
            local = dotted(alias.asname.name) if alias.asname else name
            if module == FJE:
                self.names[local] = name
            elif module == "flask_jwt":
                self.flask_jwt.add(local)
            elif module == "werkzeug.security" and name == "safe_str_cmp" and self.on("FJE013"):
                self.safe_str_cmp.add(local)
        if module == "flask_jwt":
            self.todo("FJE201")

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        self.importing = False
        module = dotted(updated.module) if updated.module else ""
        if isinstance(updated.names, cst.ImportStar) or module not in (FJE, "werkzeug.security"):
            return updated
        kept, seen = [], self.imported if module == FJE else set()
        for alias in updated.names:
            name = dotted(alias.name)
            if module == "werkzeug.security" and name == "safe_str_cmp" and self.on("FJE013"):
                self.need_hmac = True
                continue
            new = self.new_import_name(name)
            key = (new, dotted(alias.asname.name) if alias.asname else None)
            if key in seen:
                continue
            seen.add(key)
            kept.append(alias.with_changes(name=cst.Name(new)) if new != name else alias)
        if not kept:
            return cst.Import(names=[cst.ImportAlias(cst.Name("hmac"))]) if self.need_hmac \
                else cst.RemoveFromParent()
        written = original.names if not isinstance(original.names, cst.ImportStar) else []
        names = [dotted(a.name) for a in written]  # as written, before renames
        if names == sorted(names):  # keep a sorted list sorted
            kept.sort(key=lambda a: dotted(a.name))
        commas = [a.comma for a in updated.names]
        kept = [a.with_changes(comma=commas[i]) for i, a in enumerate(kept)]
        kept[-1] = kept[-1].with_changes(comma=commas[-1])
        return updated.with_changes(names=kept)

    def new_import_name(self, name: str) -> str:
        if name in R.DECORATORS and self.on(R.DECORATORS[name][0]):
            return "jwt_required"
        if name in R.VERIFY_CALLS and self.on("FJE005"):
            return "verify_jwt_in_request"
        if name in R.RENAMES and self.on(R.RENAMES[name][0]):
            return R.RENAMES[name][1]
        return name

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if not self.need_hmac or "import hmac" in updated.code:
            return updated
        body = list(updated.body)
        first_import = next((i for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine)
                             and isinstance(s.body[0], cst.Import | cst.ImportFrom)), 0)
        body.insert(first_import, cst.parse_statement("import hmac\n"))
        return updated.with_changes(body=body)

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

    # --- names, attributes, calls ------------------------------------------------------------

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        name = self.names.get(updated.value)
        if name == updated.value and name in R.RENAMES and self.on(R.RENAMES[name][0]):
            self.apply(R.RENAMES[name][0])
            return updated.with_changes(value=R.RENAMES[name][1])
        if updated.value in self.flask_jwt and updated.value == "current_identity" \
                and not self.importing:
            self.todo("FJE201", R.FLASK_JWT_USES["current_identity"])
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        attr = updated.attr.value
        if attr in R.LOADER_RENAMES and self.on(R.LOADER_RENAMES[attr][0]):
            self.apply(R.LOADER_RENAMES[attr][0])
            return updated.with_changes(attr=cst.Name(R.LOADER_RENAMES[attr][1]))
        if dotted(updated.value) in self.modules and attr in R.RENAMES \
                and self.on(R.RENAMES[attr][0]):
            self.apply(R.RENAMES[attr][0])
            return updated.with_changes(attr=cst.Name(R.RENAMES[attr][1]))
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self.fje(updated.func)
        if isinstance(updated.func, cst.Name) and updated.func.value in self.safe_str_cmp:
            return self.compare_digest(updated)
        if dotted(updated.func) == "JWT" and "JWT" in self.flask_jwt:
            self.todo("FJE201", R.FLASK_JWT_USES["JWT"])
        if name in R.VERIFY_CALLS and self.on("FJE005"):
            self.apply("FJE005")
            func: cst.BaseExpression = updated.func
            if isinstance(func, cst.Attribute):
                func = func.with_changes(attr=cst.Name("verify_jwt_in_request"))
            elif isinstance(func, cst.Name) and func.value == name:  # not aliased
                func = cst.Name("verify_jwt_in_request")
            return updated.with_changes(func=func, args=[*updated.args,
                                                         keyword(R.VERIFY_CALLS[name])])
        if name in R.TOKEN_FACTORIES:
            return self.token_factory(updated)
        if (isinstance(updated.func, cst.Attribute) and updated.func.attr.value == "decode"
                and isinstance(updated.func.value, cst.Call)
                and dotted(updated.func.value.func) in {f"{m}.encode" for m in self.pyjwt}):
            self.todo("FJE105")
        return updated

    def token_factory(self, call: cst.Call) -> cst.Call:
        args = []
        for arg in call.args:
            word = arg.keyword.value if arg.keyword else None
            if word in R.KEYWORD_RENAMES and self.on("FJE008"):
                self.apply("FJE008")
                arg = arg.with_changes(keyword=cst.Name(R.KEYWORD_RENAMES[word]))
            if (word == "identity" or (word is None and arg is call.args[0])) \
                    and looks_like_an_int(arg.value):
                self.todo("FJE102")
            args.append(arg)
        return call.with_changes(args=args)

    def compare_digest(self, call: cst.Call) -> cst.Call:
        self.apply("FJE013")
        encoded = [a.with_changes(value=cst.Call(func=cst.Attribute(
            value=parenthesized(a.value), attr=cst.Name("encode")))) for a in call.args]
        return call.with_changes(func=cst.Attribute(value=cst.Name("hmac"),
                                                    attr=cst.Name("compare_digest")),
                                 args=encoded)

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        parts = [updated.left, *(t.comparator for t in updated.comparisons)]
        is_none = all(isinstance(t.operator, cst.Is | cst.IsNot)
                      and dotted(t.comparator) == "None" for t in updated.comparisons)
        if not is_none and any(isinstance(p, cst.Call)
                               and self.fje(p.func) == "get_jwt_identity" for p in parts):
            self.todo("FJE103")
        # The claims loader's identity, compared with a number: a string once identities are.
        identity = self.identities[-1] if self.identities else ""
        if identity and any(dotted(p) == identity for p in parts) \
                and any(isinstance(p, cst.Integer) for p in parts):
            self.todo("FJE103", "the identity is compared with a number: once identities are "
                                "strings (FJE102), compare with a string")
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        loaders = {dotted(d.decorator).rsplit(".", 1)[-1] for d in node.decorators}
        claims_loader = loaders & {"user_claims_loader", "additional_claims_loader"}
        params = node.params.params
        self.identities.append(params[0].name.value if claims_loader and params else "")

    # --- loader callbacks and settings -------------------------------------------------------

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


def config_key(line: cst.SimpleStatementLine) -> str | None:
    """'KEY' of a line `<anything>.config['KEY'] = value` or
    `<anything>.config.setdefault('KEY', value)`."""
    statement = line.body[0] if len(line.body) == 1 else None
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
        call = statement.value
        if dotted(call.func).endswith("config.setdefault") and call.args \
                and isinstance(call.args[0].value, cst.SimpleString):
            key = call.args[0].value.evaluated_value
            return key if isinstance(key, str) else None
        return None
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
        return None
    target = statement.targets[0].target
    if not (isinstance(target, cst.Subscript) and dotted(target.value).endswith("config")):
        return None
    index = target.slice[0].slice if len(target.slice) == 1 else None
    if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
        key = index.value.evaluated_value
        return key if isinstance(key, str) else None
    return None


def looks_like_an_int(node: cst.BaseExpression) -> bool:
    """An identity that is probably an int: a number, int(...), or something named like an
    id (user.id, user_id). A user object handed to a user_identity_loader is not flagged."""
    if isinstance(node, cst.Integer) or (isinstance(node, cst.Call)
                                         and dotted(node.func) == "int"):
        return True
    last = dotted(node).rsplit(".", 1)[-1]
    return last == "id" or last.endswith("_id")


def parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    simple = cst.Name | cst.Attribute | cst.Call | cst.Subscript | cst.SimpleString
    if isinstance(node, simple) or node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def used_only_as_mapping(body: cst.CSTNode, name: str) -> bool:
    """Whether every use of `name` in the body is `name[...]` or `name.get(...)`: then it is
    the decoded token, which is what 4.x passes as the second argument."""
    uses = ok = 0

    class Count(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            nonlocal uses
            uses += node.value == name

        def visit_Subscript(self, node: cst.Subscript) -> None:
            nonlocal ok
            ok += dotted(node.value) == name

        def visit_Attribute(self, node: cst.Attribute) -> None:
            nonlocal ok
            ok += dotted(node.value) == name and node.attr.value == "get"

    body.visit(Count())
    return uses == ok


def comments(todos: list[tuple[str, str]]) -> list[cst.EmptyLine]:
    return [cst.EmptyLine(comment=cst.Comment(f"{TODO_PREFIX}{rule}]: {text}"))
            for rule, text in todos]


def merge(existing, new: list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    have = {line.comment.value for line in existing if line.comment}
    return [*existing, *(line for line in new if line.comment and line.comment.value not in have)]


def upgrade(source: str, enabled: set[str] | None = None) -> tuple[str, Counter[str]]:
    """(the rewritten source, how often each rule applied)."""
    transformer = Upgrade(set(R.RULES) if enabled is None else enabled)
    module = cst.parse_module(source).visit(transformer)
    return module.code, transformer.applied


def todos_in(source: str) -> list[str]:
    return [line.strip() for line in source.splitlines() if TODO_PREFIX in line]
