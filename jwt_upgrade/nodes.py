"""Small helpers on LibCST nodes that the rules share."""

import warnings

import libcst as cst

FJE = "flask_jwt_extended"
STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
TODO_PREFIX = "# TODO[jwt_upgrade "
NO_SPACE = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                           whitespace_after=cst.SimpleWhitespace(""))


def is_fje_module(module: str) -> bool:
    """flask_jwt_extended or one of its submodules (exceptions, view_decorators, ...)."""
    return module == FJE or module.startswith(FJE + ".")


def string_value(node: cst.BaseExpression | None) -> str | None:
    """The value of a plain string literal, else None."""
    if isinstance(node, cst.SimpleString):
        with warnings.catch_warnings():  # "\d" in someone's regex is their business
            warnings.simplefilter("ignore")
            value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def keyword(name: str) -> cst.Arg:
    return cst.Arg(value=cst.Name("True"), keyword=cst.Name(name), equal=NO_SPACE)


def config_key(line: cst.SimpleStatementLine) -> str | None:
    """'KEY' of a line `<anything>.config['KEY'] = value` or
    `<anything>.config.setdefault('KEY', value)`."""
    statement = line.body[0] if len(line.body) == 1 else None
    if isinstance(statement, cst.Expr) and isinstance(statement.value, cst.Call):
        call = statement.value
        if dotted(call.func).endswith("config.setdefault") and call.args:
            return string_value(call.args[0].value)
        return None
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
        return None
    target = statement.targets[0].target
    if not (isinstance(target, cst.Subscript) and dotted(target.value).endswith("config")):
        return None
    index = target.slice[0].slice if len(target.slice) == 1 else None
    return string_value(index.value) if isinstance(index, cst.Index) else None


def looks_like_an_int(node: cst.BaseExpression) -> bool:
    """An identity that is probably an int: a number, int(...), or something named like an
    id (user.id, user_id). A user object handed to a user_identity_loader is not flagged."""
    if isinstance(node, cst.Integer) or (isinstance(node, cst.Call)
                                         and dotted(node.func) == "int"):
        return True
    last = dotted(node).rsplit(".", 1)[-1]
    return last == "id" or last.endswith("_id")


STRINGY = ("name", "email", "uuid", "login", "sub", "str", "token", "key")


def looks_like_a_string(node: cst.BaseExpression) -> bool:
    """A string literal, an f-string, str(...), or something named like a string (username,
    email, user.uuid): the identities 4.x accepts as they are."""
    if isinstance(node, cst.SimpleString | cst.FormattedString | cst.ConcatenatedString):
        return True
    if isinstance(node, cst.Call):
        return dotted(node.func) == "str" or dotted(node.func).endswith(".format")
    last = dotted(node).rsplit(".", 1)[-1].lower()
    return bool(last) and any(word in last for word in STRINGY) and not last.endswith("id")


def parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    simple = cst.Name | cst.Attribute | cst.Call | cst.Subscript | cst.SimpleString
    if isinstance(node, simple) or node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _mapping_uses(body: cst.CSTNode, name: str) -> tuple[int, int]:
    """(uses of `name` in the body, of which `name[...]` or `name.get(...)`)."""
    uses = as_mapping = 0

    class Count(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            nonlocal uses
            uses += node.value == name

        def visit_Subscript(self, node: cst.Subscript) -> None:
            nonlocal as_mapping
            as_mapping += dotted(node.value) == name

        def visit_Attribute(self, node: cst.Attribute) -> None:
            nonlocal as_mapping
            as_mapping += dotted(node.value) == name and node.attr.value == "get"

    body.visit(Count())
    return uses, as_mapping


def used_only_as_mapping(body: cst.CSTNode, name: str) -> bool:
    """Whether every use of `name` in the body is `name[...]` or `name.get(...)`: then it is
    the decoded token, which is what 4.x passes as the second argument."""
    uses, as_mapping = _mapping_uses(body, name)
    return uses == as_mapping


def subscripted(body: cst.CSTNode, name: str) -> bool:
    """Whether `name[...]` or `name.get(...)` occurs in the body: a dict, then."""
    return _mapping_uses(body, name)[1] > 0


def read_by_key(body: cst.CSTNode, name: str, reserved: set[str]) -> bool:
    """Whether every read of `name` is name["key"] or name.get("key") with a literal key
    outside `reserved` (its one assignment aside)."""
    uses = ok = 0

    class Count(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            nonlocal uses
            uses += node.value == name

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            nonlocal ok
            ok += dotted(node.target) == name

        def visit_Subscript(self, node: cst.Subscript) -> None:
            nonlocal ok
            key = node.slice[0].slice if len(node.slice) == 1 else None
            ok += dotted(node.value) == name and isinstance(key, cst.Index) \
                and string_value(key.value) not in reserved | {None}

        def visit_Call(self, node: cst.Call) -> None:
            nonlocal ok
            func = node.func
            ok += isinstance(func, cst.Attribute) and dotted(func.value) == name \
                and func.attr.value == "get" and bool(node.args) \
                and string_value(node.args[0].value) not in reserved | {None}

    body.visit(Count())
    return uses == ok


def comments(todos: list[tuple[str, str]]) -> list[cst.EmptyLine]:
    return [cst.EmptyLine(comment=cst.Comment(f"{TODO_PREFIX}{rule}]: {text}"))
            for rule, text in todos]


def merge(existing, new: list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    have = {line.comment.value for line in existing if line.comment}
    return [*existing, *(line for line in new if line.comment and line.comment.value not in have)]
