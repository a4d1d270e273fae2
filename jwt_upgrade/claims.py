"""What a token holds: identities (a string `sub` in 4.x), claims (top level, merged with the
loader's), the identity claim's name ('sub', was 'identity'), get_jwt_claims()'s value."""

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.base import UpgradeBase
from jwt_upgrade.nodes import (
    dotted,
    looks_like_a_string,
    looks_like_an_int,
    read_by_key,
    string_value,
)

# Claims 4.x's get_jwt() holds besides the custom ones: get_jwt_claims()[one of these] was not
# the same value (or not there at all) on 3.x.
RESERVED = {"exp", "iat", "nbf", "jti", "type", "fresh", "sub", "csrf", "identity", "iss",
            "aud", "user_claims"}
TOKEN_READERS = {"get_raw_jwt", "decode_token"}  # 3.x calls that return a decoded token


class ClaimRules(UpgradeBase):
    def identity_todo(self, value: cst.BaseExpression, where: str) -> None:
        """FJE102 (a number), FJE106 (a dict, a list, an object): 4.x needs a string `sub`."""
        if looks_like_a_string(value) or dotted(value) in self.identity_vars or (
                isinstance(value, cst.Call) and self.fje(value.func) == "get_jwt_identity"):
            return  # a string already, or what a 4.x token holds: a string
        if looks_like_an_int(value):
            self.todo("FJE102")
        elif isinstance(value, cst.Dict | cst.List | cst.Tuple | cst.Call) \
                or not self.project.identity_loader:
            self.todo("FJE106", f"{where} must be a string in 4.x: {R.TODO['FJE106']}")

    def token_factory(self, call: cst.Call) -> cst.Call:
        args = []
        for arg in call.args:
            word = arg.keyword.value if arg.keyword else None
            if word == "user_claims" and self.project.claims_loader:
                self.todo("FJE108")  # replaced the loader's claims on 3.x, merged on 4.x
            if word in R.KEYWORD_RENAMES and self.on("FJE008"):
                self.apply("FJE008")
                arg = arg.with_changes(keyword=cst.Name(R.KEYWORD_RENAMES[word]))
            if word == "identity" or (word is None and arg is call.args[0]):
                self.identity_todo(arg.value, "the identity")
            args.append(arg)
        return call.with_changes(args=args)

    # --- which calls are read by key: get_jwt_claims()["is_admin"] keeps its meaning ---------

    def keyed_claims(self, node: cst.FunctionDef) -> None:
        """`claims = get_jwt_claims()` read only as claims["is_admin"]: exact on 4.x too."""
        for statement in node.body.body if isinstance(node.body, cst.IndentedBlock) else []:
            line = statement.body[0] if isinstance(statement, cst.SimpleStatementLine) else None
            if isinstance(line, cst.Assign) and len(line.targets) == 1 \
                    and isinstance(line.targets[0].target, cst.Name) \
                    and isinstance(line.value, cst.Call) \
                    and self.fje(line.value.func) == "get_jwt_claims" \
                    and read_by_key(node.body, line.targets[0].target.value, RESERVED):
                self.keyed.add(id(line.value))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        key = node.slice[0].slice if len(node.slice) == 1 else None
        if isinstance(key, cst.Index) and string_value(key.value) not in RESERVED | {None}:
            self.keyed.add(id(node.value))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "get" and node.args \
                and string_value(node.args[0].value) not in RESERVED | {None}:
            self.keyed.add(id(func.value))

    def token_read(self, value: cst.BaseExpression) -> bool:
        """Whether an expression is a 3.x decoded token: get_raw_jwt(), decode_token(...), or
        the token argument of a 3.x loader callback."""
        if isinstance(value, cst.Call):
            return self.fje(value.func) in TOKEN_READERS
        return bool(self.token_params) and dotted(value) == self.token_params[-1]

    def claim_key(self, key: cst.BaseExpression, original_value: cst.BaseExpression):
        """'identity' -> 'sub' (4.x's identity claim); 'user_claims' -> a TODO."""
        name = string_value(key)
        if not self.token_read(original_value) or name not in {"identity", "user_claims"}:
            return key
        if name == "user_claims":
            self.todo("FJE110")
            return key
        self.apply("FJE014")
        self.identity_claim_todo()
        return cst.SimpleString('"sub"')

    def identity_claim_todo(self) -> None:
        if self.project.identity_claim:
            self.todo("FJE110", "JWT_IDENTITY_CLAIM is set in this project: the identity is "
                                "in that claim, not in 'sub' (4.x's default)")

    def identity_read_as_a_dict(self, value: cst.BaseExpression) -> None:
        """get_jwt_identity()["role"]: a dict identity, a string in 4.x."""
        if (isinstance(value, cst.Call) and self.fje(value.func) == "get_jwt_identity") \
                or (dotted(value) and dotted(value) in self.identity_vars):
            self.todo("FJE106", f"the identity is read as a dict here: {R.TODO['FJE106']}")

    def leave_Subscript(self, original: cst.Subscript, updated: cst.Subscript):
        self.identity_read_as_a_dict(original.value)
        key = updated.slice[0].slice if len(updated.slice) == 1 else None
        if not isinstance(key, cst.Index):
            return updated
        new = self.claim_key(key.value, original.value)
        if new is key.value:
            return updated
        return updated.with_changes(slice=[updated.slice[0].with_changes(
            slice=key.with_changes(value=new))])

    def claim_get(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        """token.get('identity') -> token.get('sub')."""
        func = original.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "get" and updated.args):
            return updated
        self.identity_read_as_a_dict(func.value)
        new = self.claim_key(updated.args[0].value, func.value)
        if new is updated.args[0].value:
            return updated
        return updated.with_changes(args=[updated.args[0].with_changes(value=new),
                                          *updated.args[1:]])

    # --- identities compared with numbers -----------------------------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call) and self.fje(node.value.func) == "get_jwt_identity":
            self.identity_vars |= {dotted(t.target) for t in node.targets if dotted(t.target)}

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison):
        parts = [original.left, *(t.comparator for t in original.comparisons)]
        is_none = all(isinstance(t.operator, cst.Is | cst.IsNot)
                      and dotted(t.comparator) == "None" for t in updated.comparisons)
        if not is_none and any((isinstance(p, cst.Call)
                                and self.fje(p.func) == "get_jwt_identity")
                               or (dotted(p) and dotted(p) in self.identity_vars)
                               for p in parts):
            self.todo("FJE103")
        # The claims loader's identity, compared with a number: a string once identities are.
        identity = self.identities[-1] if self.identities else ""
        if identity and any(dotted(p) == identity for p in parts) \
                and any(isinstance(p, cst.Integer) for p in parts):
            self.todo("FJE103", "the identity is compared with a number: once identities are "
                                "strings (FJE102), compare with a string")
        return updated
