"""Small helpers on LibCST nodes that the rules share."""

import libcst as cst

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
