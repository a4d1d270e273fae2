"""What one module defines, learnt before it is rewritten: the names it binds (a star import
does not win over them), its functions and the loaders they are given to by a call, its
JWTManager instances, whether it sets JWT_IDENTITY_CLAIM."""

from dataclasses import dataclass, field

import libcst as cst

from jwt_upgrade.nodes import dotted, is_fje_module, string_value


def sets_identity_claim(node: cst.Assign | cst.DictElement | cst.Arg) -> bool:
    """JWT_IDENTITY_CLAIM set to something else than 4.x's 'sub': config['…'] = / a class
    attribute / a dict key / update(JWT_IDENTITY_CLAIM=…). Reading it sets nothing."""
    key = "JWT_IDENTITY_CLAIM"
    if isinstance(node, cst.Arg):
        named = node.keyword is not None and node.keyword.value == key
    elif isinstance(node, cst.DictElement):
        named = string_value(node.key) == key
    else:
        targets = [t.target for t in node.targets]
        named = any(dotted(t) == key or (isinstance(t, cst.Subscript) and len(t.slice) == 1
                                         and isinstance(t.slice[0].slice, cst.Index)
                                         and string_value(t.slice[0].slice.value) == key)
                    for t in targets)
    return named and string_value(node.value) != "sub"


@dataclass
class Facts:
    """What one module defines, learnt before it is rewritten."""

    bound: frozenset[str] = frozenset()  # names it binds itself (a star import does not win)
    defined: set[str] = field(default_factory=set)  # functions it defines
    registered: dict[str, set[str]] = field(default_factory=dict)  # function -> loaders
    managers: set[str] = field(default_factory=set)  # names bound to FJE's JWTManager(...)
    claims_loader: bool = False
    identity_loader: bool = False
    identity_claim: bool = False
    uses_fje: bool = False  # imports flask_jwt_extended (or a submodule) at all


class _Facts(cst.CSTVisitor):
    def __init__(self) -> None:
        self.facts = Facts()
        self.bound: set[str] = set()
        self.manager_class: set[str] = set()  # how this module spells FJE's JWTManager

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.facts.uses_fje |= is_fje_module(dotted(node.module) if node.module else "")
        if is_fje_module(dotted(node.module) if node.module else "") \
                and not isinstance(node.names, cst.ImportStar):
            self.manager_class |= {dotted(a.asname.name) if a.asname else "JWTManager"
                                   for a in node.names if dotted(a.name) == "JWTManager"}
        elif isinstance(node.names, cst.ImportStar) and is_fje_module(dotted(node.module or
                                                                             cst.Name(""))):
            self.manager_class.add("JWTManager")

    def visit_Import(self, node: cst.Import) -> None:
        self.facts.uses_fje |= any(is_fje_module(dotted(a.name)) for a in node.names)
        self.manager_class |= {
            f"{dotted(a.asname.name) if a.asname else dotted(a.name)}.JWTManager"
            for a in node.names if is_fje_module(dotted(a.name))}

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.bound.add(node.name.value)
        self.facts.defined.add(node.name.value)
        for d in node.decorators:
            self.loader(dotted(d.decorator).rsplit(".", 1)[-1])

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.bound.add(node.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        targets = {dotted(t.target) for t in node.targets} - {""}
        self.bound |= targets
        if isinstance(node.value, cst.Call) and dotted(node.value.func) in self.manager_class:
            self.facts.managers |= targets

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and len(node.args) == 1 \
                and func.attr.value.endswith("_loader"):
            self.loader(func.attr.value)
            if isinstance(node.args[0].value, cst.Name):
                self.facts.registered.setdefault(node.args[0].value.value, set()).add(
                    func.attr.value)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Assign | cst.DictElement | cst.Arg):
            self.facts.identity_claim |= sets_identity_claim(node)
        return super().on_visit(node)

    def loader(self, name: str) -> None:
        self.facts.claims_loader |= name in {"user_claims_loader", "additional_claims_loader"}
        self.facts.identity_loader |= name == "user_identity_loader"


def module_facts(tree: cst.Module) -> Facts:
    visitor = _Facts()
    tree.visit(visitor)
    visitor.facts.bound = frozenset(visitor.bound)
    return visitor.facts
