"""Imports: remember what names mean, rename or merge what is imported, add `import hmac`.

Names reach a module from flask_jwt_extended (and its submodules, e.g. .exceptions), from a
star import, or through the project's own modules (project.py): all three are followed.
"""

import libcst as cst

from jwt_upgrade.base import UpgradeBase
from jwt_upgrade.nodes import dotted, is_fje_module, string_value
from jwt_upgrade.project import WERKZEUG_SAFE_STR_CMP
from jwt_upgrade.surface import EXCEPTIONS_3X, PUBLIC_3X

PREFIX = "flask_jwt_extended."


class ImportRules(UpgradeBase):
    def visit_Import(self, node: cst.Import) -> None:
        self.importing = True
        for alias in node.names:
            local = dotted(alias.asname.name) if alias.asname else dotted(alias.name)
            if is_fje_module(dotted(alias.name)):
                self.modules.add(local)
            elif "jwt_extended" in dotted(alias.name):
                self.lookalike = True
            elif dotted(alias.name) == "jwt":
                self.pyjwt.add(local)

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        self.importing = False
        return updated

    def source_of(self, node: cst.ImportFrom) -> tuple[str, dict[str, str]]:
        """(the absolute module, what it offers: {name: 'flask_jwt_extended.x' | safe_str_cmp})"""
        written = dotted(node.module) if node.module else ""
        module = self.project.resolve(written, len(node.relative), self.here)
        if is_fje_module(module):
            names = EXCEPTIONS_3X if module.endswith(".exceptions") else PUBLIC_3X
            return module, {n: PREFIX + n for n in names}
        if module == "werkzeug.security":
            return module, {"safe_str_cmp": WERKZEUG_SAFE_STR_CMP}
        return module, self.project.exports.get(module, {})

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.importing = True
        module, offered = self.source_of(node)
        self.lookalike |= "jwt_extended" in module and not is_fje_module(module)
        if module == "flask_jwt":
            self.todo("FJE201")
        if isinstance(node.names, cst.ImportStar):
            pairs = [(n, n) for n in offered if n not in self.bound]
        else:
            pairs = [(dotted(a.name), dotted(a.asname.name) if a.asname else dotted(a.name))
                     for a in node.names]
            self.flask_jwt |= {local for _, local in pairs if module == "flask_jwt"}
        fje = is_fje_module(module)
        for name, local in pairs:
            self.origins[local] = (module, name)  # where a callback given to a loader lives
            meaning = offered.get(name, PREFIX + name if fje else "")
            if meaning == WERKZEUG_SAFE_STR_CMP and self.on("FJE013"):
                self.safe_str_cmp.add(local)
            elif meaning.startswith(PREFIX):
                self.names[local] = meaning.removeprefix(PREFIX)

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom):
        self.importing = False
        module, offered = self.source_of(updated)
        if isinstance(updated.names, cst.ImportStar) or not offered:
            return updated
        kept, seen = [], self.imported if is_fje_module(module) else set()
        for alias in updated.names:
            name = dotted(alias.name)
            meaning = offered.get(name, PREFIX + name if is_fje_module(module) else "")
            if meaning == WERKZEUG_SAFE_STR_CMP and self.on("FJE013"):
                # its uses become hmac.compare_digest (a re-export just drops it)
                self.need_hmac |= module == "werkzeug.security"
                continue
            # a re-export keeps its own name unless the module it comes from renames it
            fje_name = meaning.removeprefix(PREFIX) if meaning.startswith(PREFIX) else ""
            new = self.new_import_name(name) if fje_name.rsplit(".", 1)[-1] == name else name
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

    def leave_Assign(self, original: cst.Assign, updated: cst.Assign) -> cst.Assign:
        """__all__ = ["jwt_refresh_token_required", "safe_str_cmp"]: what the module still
        exports after its imports are renamed."""
        if [dotted(t.target) for t in updated.targets] != ["__all__"] \
                or not isinstance(updated.value, cst.List | cst.Tuple):
            return updated
        kept, seen = [], set()
        for element in updated.value.elements:
            name = string_value(element.value)
            if name in self.safe_str_cmp:
                continue
            if name and self.names.get(name) == name and self.new_import_name(name) != name:
                name = self.new_import_name(name)
                quote = element.value.quote if isinstance(element.value, cst.SimpleString) \
                    else '"'
                element = element.with_changes(value=cst.SimpleString(f"{quote}{name}{quote}"))
            if name not in seen:
                seen.add(name)
                kept.append(element)
        if len(kept) == len(updated.value.elements) and all(
                a is b for a, b in zip(kept, updated.value.elements, strict=True)):
            return updated
        if kept:
            kept[-1] = kept[-1].with_changes(comma=updated.value.elements[-1].comma)
        return updated.with_changes(value=updated.value.with_changes(elements=kept))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        updated = super().leave_Module(original, updated)
        if not self.need_hmac or "import hmac" in updated.code:
            return updated
        return insert_import(updated, "import hmac\n")


def insert_import(module: cst.Module, line: str) -> cst.Module:
    """Before the first import, but after the docstring and `from __future__` imports (which
    must come first: `compile()` refuses anything above them)."""
    body = list(module.body)

    def kind(statement: cst.CSTNode) -> str:
        if not isinstance(statement, cst.SimpleStatementLine):
            return ""
        first = statement.body[0]
        if isinstance(first, cst.ImportFrom) and dotted(first.module or cst.Name("")) \
                == "__future__":
            return "future"
        if isinstance(first, cst.Expr) and isinstance(first.value, cst.SimpleString | cst.
                                                          ConcatenatedString):
            return "doc"
        return "import" if isinstance(first, cst.Import | cst.ImportFrom) else ""

    kinds = [kind(s) for s in body]
    after = max((i + 1 for i, k in enumerate(kinds) if k == "future"), default=0)
    if not after and kinds and kinds[0] == "doc":
        after = 1
    first_import = next((i for i, k in enumerate(kinds) if k == "import" and i >= after), after)
    body.insert(first_import, cst.parse_statement(line))
    return module.with_changes(body=body)
