"""Names, attributes and calls: renames, keyword renames, verify_* variants, safe_str_cmp,
int identities and comparisons with get_jwt_identity()."""

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.base import UpgradeBase
from jwt_upgrade.nodes import dotted, keyword, looks_like_an_int, parenthesized


class CallRules(UpgradeBase):
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
