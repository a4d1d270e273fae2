"""Names, attributes and calls: renames, the 3.x decorators wherever they appear (decorator,
list, dict, tuple, `jwt_optional(f)`), verify_* variants, loaders, safe_str_cmp, dotted names
in strings (mock.patch targets) and the safety net for 3.x names no rule could handle."""

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.claims import ClaimRules
from jwt_upgrade.nodes import (
    FJE,
    dotted,
    keyword,
    parenthesized,
    string_value,
    used_only_as_mapping,
)
from jwt_upgrade.surface import GONE_IN_4X, PUBLIC_3X

# The safety net's word on a removed setting no settings rule deleted (settings.py forgets it
# when one does).
SETTING_GONE = "removed in 4.x, so reading or setting it here does nothing (see FJE012)"


class CallRules(ClaimRules):
    def decorator(self, node: cst.BaseExpression, name: str) -> cst.BaseExpression:
        """A 3.x decorator as 4.x spells it: jwt_optional -> jwt_required(optional=True)."""
        rule, option = R.DECORATORS[name]
        self.apply(rule)
        func = node
        if name != "jwt_required":
            if isinstance(node, cst.Attribute):
                func = node.with_changes(attr=cst.Name("jwt_required"))
            elif isinstance(node, cst.Name) and node.value == name:  # not aliased
                func = cst.Name("jwt_required")
        return cst.Call(func=func, args=[keyword(option)] if option else [])

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        if self.importing or id(original) in self.not_uses:
            return updated
        name = self.names.get(updated.value)
        if name in R.DECORATORS and id(original) not in self.callees \
                and self.on(R.DECORATORS[name][0]):
            return self.decorator(updated, name)
        if name == updated.value and name in R.RENAMES and self.on(R.RENAMES[name][0]):
            self.apply(R.RENAMES[name][0])
            return updated.with_changes(value=R.RENAMES[name][1])
        if updated.value in self.flask_jwt and updated.value == "current_identity":
            self.todo("FJE201", R.FLASK_JWT_USES["current_identity"])
        if name in GONE_IN_4X and id(original) not in self.callees \
                and (name in R.VERIFY_CALLS or self.new_import_name(name) == name):
            self.todo("FJE111", self.gone(name))
        return updated

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        attr = updated.attr.value
        if attr in R.LOADER_RENAMES and self.on(R.LOADER_RENAMES[attr][0]) \
                and self.fje_manager(updated.value):
            self.apply(R.LOADER_RENAMES[attr][0])
            return updated.with_changes(attr=cst.Name(R.LOADER_RENAMES[attr][1]))
        if not self.is_module(updated.value):
            return updated
        if attr in R.DECORATORS and id(original) not in self.callees \
                and self.on(R.DECORATORS[attr][0]):
            return self.decorator(updated, attr)
        if attr in R.RENAMES and self.on(R.RENAMES[attr][0]):
            self.apply(R.RENAMES[attr][0])
            return updated.with_changes(attr=cst.Name(R.RENAMES[attr][1]))
        if attr in GONE_IN_4X and id(original) not in self.callees \
                and (attr in R.VERIFY_CALLS or self.new_import_name(attr) == attr):
            self.todo("FJE111", self.gone(attr))
        return updated

    def gone(self, name: str) -> str:
        rule = PUBLIC_3X.get(name, "")
        return f"{name} does not exist in 4.x, and this use is not one a rule rewrites: " \
               f"{R.RULES.get(rule, 'see the FJE0xx rules')}"

    def fje_manager(self, receiver: cst.BaseExpression) -> bool:
        """Whether `receiver.<loader>` is flask_jwt_extended's: a JWTManager() bound here, or
        any object (`from app import jwt`, current_app.jwt) in a project that uses
        flask_jwt_extended, in a module that imports no look-alike (quart_jwt_extended, ...)."""
        return dotted(receiver) in self.managers or (self.project.uses_fje
                                                     and not self.lookalike)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self.fje(original.func)
        if isinstance(updated.func, cst.Name) and updated.func.value in self.safe_str_cmp:
            return self.compare_digest(updated)
        if dotted(updated.func) == "JWT" and "JWT" in self.flask_jwt:
            self.todo("FJE201", R.FLASK_JWT_USES["JWT"])
        if name in R.DECORATORS and self.on(R.DECORATORS[name][0]):
            if name == "jwt_required" and not any(a.keyword is None and dotted(a.value) not in
                                                  {"True", "False"} for a in updated.args):
                return updated  # already 4.x: jwt_required(), jwt_required(fresh=True)
            return cst.Call(func=self.decorator(updated.func, name), args=updated.args)
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
        if name == "get_jwt_claims" and id(original) not in self.keyed:
            self.todo("FJE109")
        if (isinstance(updated.func, cst.Attribute) and updated.func.attr.value == "decode"
                and isinstance(updated.func.value, cst.Call)
                and dotted(updated.func.value.func) in {f"{m}.encode" for m in self.pyjwt}):
            self.todo("FJE105")
        if isinstance(original.func, cst.Attribute) and self.registers_a_loader(original):
            updated = self.loader_by_call(original.func.attr.value, updated)
        return self.claim_get(original, updated)

    def registers_a_loader(self, call: cst.Call) -> bool:
        func = call.func
        return (isinstance(func, cst.Attribute) and len(call.args) == 1
                and (func.attr.value in R.LOADER_RENAMES
                     or func.attr.value in R.LOADER_ARITY)
                and self.fje_manager(func.value))

    def loader_by_call(self, loader: str, call: cst.Call) -> cst.Call:
        """`jwt.token_in_blacklist_loader(is_revoked)`: a function of the project is adapted
        where it is defined (transform.py); a lambda here; anything else needs a human."""
        arg = call.args[0].value
        origin = self.origins.get(arg.value) if isinstance(arg, cst.Name) else None
        if (isinstance(arg, cst.Name) and arg.value in self.defined) \
                or (origin and origin[1] in self.project.defined.get(origin[0], set())) \
                or loader not in {*R.LOADER_RENAMES, *R.TOKEN_LOADERS}:
            return call  # adapted where it is defined, or a 4.x name: 4.x code already
        new = R.LOADER_RENAMES.get(loader, (None, loader))[1]
        if R.LOADER_ARITY.get(new, 1) != 2:
            return call
        if isinstance(arg, cst.Lambda) and self.on("FJE101") and (adapted := self.lambda_for(
                loader, arg)):
            return call.with_changes(args=[call.args[0].with_changes(value=adapted)])
        self.todo("FJE101", f"4.x calls the {new} callback with (jwt_header, jwt_payload): "
                            f"adapt what is registered here")
        return call

    def lambda_for(self, loader: str, old: cst.Lambda) -> cst.BaseExpression | None:
        """The 3.x lambda as 4.x calls it: (jwt_header, jwt_payload), the identity read from
        the payload for the user loaders; None when its one argument is not the token."""
        params = old.params.params
        code = cst.Module([]).code_for_node(old)
        if len(params) == 2 or (not params and isinstance(old.params.star_arg, cst.Param)):
            return old  # (jwt_header, jwt_payload) already, or *args: takes what 4.x passes
        if not isinstance(old.params.star_arg, cst.MaybeSentinel) or old.params.star_kwarg \
                or old.params.kwonly_params or old.params.posonly_params or len(params) > 1:
            return None
        if not params:
            self.apply("FJE101")
            body = cst.Module([]).code_for_node(old.body)
            return cst.parse_expression(f"lambda _jwt_header, _jwt_payload: {body}")
        if loader in R.IDENTITY_LOADERS and self.on("FJE015"):
            self.apply("FJE015")
            return cst.parse_expression(f'lambda _jwt_header, jwt_data: ({code})'
                                        f'(jwt_data["sub"])')
        if used_only_as_mapping(old.body, params[0].name.value):
            self.apply("FJE101")
            return old.with_changes(params=old.params.with_changes(
                params=[cst.Param(cst.Name("_jwt_header"), comma=cst.Comma(
                    whitespace_after=cst.SimpleWhitespace(" "))), *params]))
        return None

    def compare_digest(self, call: cst.Call) -> cst.Call:
        self.apply("FJE013")
        self.need_hmac = True
        encoded = [a.with_changes(value=cst.Call(func=cst.Attribute(
            value=parenthesized(a.value), attr=cst.Name("encode")))) for a in call.args]
        return call.with_changes(func=cst.Attribute(value=cst.Name("hmac"),
                                                    attr=cst.Name("compare_digest")),
                                 args=encoded)

    def leave_SimpleString(self, original: cst.SimpleString, updated: cst.SimpleString):
        """'flask_jwt_extended.get_jwt_claims' (mock.patch, string imports) -> 4.x's name."""
        value = string_value(updated)
        if value in R.REMOVED_SETTINGS:  # read, or set where no settings rule looks
            self.todo("FJE111", f"{value}: {SETTING_GONE}")
        if not value or not value.startswith(FJE + "."):
            return updated
        module, _, name = value.rpartition(".")
        if name in R.RENAMES and self.on("FJE016"):
            self.apply("FJE016")
            quote = updated.quote
            prefix = updated.value[: updated.value.index(quote)]
            return updated.with_changes(
                value=f"{prefix}{quote}{module}.{R.RENAMES[name][1]}{quote}")
        if name in GONE_IN_4X:
            self.todo("FJE111", f"'{value}': {self.gone(name)}")
        return updated
