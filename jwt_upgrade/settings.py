"""Settings 4.x removed, wherever a project keeps them: app.config['KEY'] = ..., setdefault,
a config class (`KEY = ...`), a dict literal, config.update(KEY=...) / from_mapping(KEY=...).

A removed setting is deleted; the TODO says what replaced it, unless deleting it is exactly
what 4.x does anyway (JWT_BLACKLIST_ENABLED = True, both token types checked, ...).
"""

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.base import UpgradeBase
from jwt_upgrade.nodes import config_key, string_value

BOTH = {"access", "refresh"}


def verdict(key: str, value: cst.BaseExpression | None) -> str | None:
    """The TODO a removed setting needs, or None when deleting it keeps 3.x's behaviour."""
    if key in {"JWT_BLACKLIST_ENABLED", "JWT_CLAIMS_IN_REFRESH_TOKEN"} \
            and isinstance(value, cst.Name) and value.value == "True":
        return None
    if key == "JWT_BLACKLIST_TOKEN_CHECKS" and isinstance(value, cst.List | cst.Tuple | cst.Set) \
            and {string_value(e.value) for e in value.elements} == BOTH:
        return None
    if key == "JWT_BLACKLIST_ENABLED":
        return ("JWT_BLACKLIST_ENABLED was removed in 4.x (line deleted): it was not True "
                "here, but in 4.x a token_in_blocklist_loader alone turns the check on")
    return f"{key} was removed in 4.x (deleted): {R.REMOVED_SETTINGS[key]}"


class SettingsRules(UpgradeBase):
    def removed(self, key: str | None, value: cst.BaseExpression | None) -> bool:
        """Whether the setting goes (and its TODO, if any, is noted for the statement)."""
        if key in R.FLASK_JWT_SETTINGS:
            self.todo("FJE201", f"{key} is Flask-JWT's; Flask-JWT-Extended's is "
                                f"{R.FLASK_JWT_SETTINGS[key]} (see {R.NOTES})")
        if key not in R.REMOVED_SETTINGS or not self.on("FJE012"):
            return False
        self.apply("FJE012")
        if self.frames:  # deleted: the safety net's TODO on its name has nothing left to say
            self.frames[-1][:] = [t for t in self.frames[-1]
                                  if not (t[0] == "FJE111" and t[1].startswith(f"{key}:"))]
        if text := verdict(key, value):
            self.todo("FJE012", text)
        return True

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine):
        statement = updated.body[0] if len(updated.body) == 1 else None
        value = getattr(statement, "value", None)
        if isinstance(statement, cst.Expr) and isinstance(value, cst.Call) and value.args:
            value = value.args[1].value if len(value.args) > 1 else None  # setdefault(KEY, v)
        key = config_key(updated)
        if key is None and isinstance(statement, cst.Assign) and len(statement.targets) == 1 \
                and isinstance(statement.targets[0].target, cst.Name):
            key = statement.targets[0].target.value  # class Config: JWT_... = ...
        if self.removed(key, value):
            return cst.RemoveFromParent()
        return super().leave_SimpleStatementLine(original, updated)

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.Dict:
        kept = [e for e in updated.elements if not (
            isinstance(e, cst.DictElement) and self.removed(string_value(e.key), e.value))]
        if len(kept) == len(updated.elements):
            return updated
        if kept:  # the last element keeps the closing comma style of the old last one
            kept[-1] = kept[-1].with_changes(comma=updated.elements[-1].comma)
        return updated.with_changes(elements=kept)

    def leave_Arg(self, original: cst.Arg, updated: cst.Arg):
        """config.update(JWT_BLACKLIST_ENABLED=True), from_mapping(...), dict(...)."""
        if updated.keyword and updated.keyword.value in R.REMOVED_SETTINGS \
                and self.removed(updated.keyword.value, updated.value):
            return cst.RemoveFromParent()
        return updated

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock):
        if updated.body:
            return updated
        return updated.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])
