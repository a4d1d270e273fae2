"""Imports: remember what names mean, rename or merge what is imported, add `import hmac`."""

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.base import UpgradeBase
from jwt_upgrade.nodes import FJE, dotted


class ImportRules(UpgradeBase):
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
