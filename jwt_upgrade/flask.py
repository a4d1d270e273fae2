"""Flask and Werkzeug removals met on the same upgrade (Flask 2.0.3 / Werkzeug 2.0.3, which
3.25.1 runs on, -> Flask 3.1 / Werkzeug 3.1, which 4.7 runs on): FLK0nn rewrite where the new
spelling is exact, FLK1nn leave a TODO that names the replacement.

Exactness of the moves was measured on Werkzeug 2.0.3 (tests/codemod/test_flask_rules.py):
url_quote(s) == quote(s, safe="/:"), url_quote_plus(s) == quote_plus(s), for str and bytes.
"""

import libcst as cst

from jwt_upgrade import rules as R
from jwt_upgrade.base import UpgradeBase
from jwt_upgrade.nodes import NO_SPACE, config_key, dotted

# (module, name) -> (rule, new module, new name): the same object or an exact equivalent.
MOVES = {
    ("flask", "escape"): ("FLK001", "markupsafe", "escape"),
    ("flask", "Markup"): ("FLK001", "markupsafe", "Markup"),
    ("werkzeug.urls", "url_quote"): ("FLK002", "urllib.parse", "quote"),
    ("werkzeug.urls", "url_quote_plus"): ("FLK002", "urllib.parse", "quote_plus"),
    ("werkzeug.wrappers", "BaseResponse"): ("FLK003", "werkzeug.wrappers", "Response"),
    ("werkzeug.wrappers", "BaseRequest"): ("FLK003", "werkzeug.wrappers", "Request"),
}
# (module, name) -> (rule, what replaces it): gone, no exact spelling.
GONE = {
    ("flask", "_request_ctx_stack"): ("FLK102", R.FLASK_TODO["ctx_stack"]),
    ("flask", "_app_ctx_stack"): ("FLK102", R.FLASK_TODO["ctx_stack"]),
    ("flask.globals", "_request_ctx_stack"): ("FLK102", R.FLASK_TODO["ctx_stack"]),
    ("flask.globals", "_app_ctx_stack"): ("FLK102", R.FLASK_TODO["ctx_stack"]),
    ("flask.json", "JSONEncoder"): ("FLK103", R.FLASK_TODO["json"]),
    ("flask.json", "JSONDecoder"): ("FLK103", R.FLASK_TODO["json"]),
    ("flask", "safe_join"): ("FLK104", "werkzeug.utils.safe_join (returns None, not 404)"),
    ("flask", "json_available"): ("FLK104", "nothing: JSON is always available"),
    ("flask.helpers", "locked_cached_property"):
        ("FLK104", "werkzeug.utils.cached_property (add a lock if you need one)"),
    **{("werkzeug.urls", name): ("FLK104", f"urllib.parse.{new}") for name, new in {
        "url_unquote": "unquote", "url_unquote_plus": "unquote_plus", "url_encode": "urlencode",
        "url_decode": "parse_qs", "url_parse": "urlsplit", "url_join": "urljoin",
        "url_fix": "quote", "iri_to_uri": "quote", "uri_to_iri": "unquote"}.items()},
}
SEND_FILE_KEYWORDS = {"attachment_filename": "download_name", "cache_timeout": "max_age",
                      "add_etags": "etag", "filename": "path"}
JSON_SETTINGS = {"JSON_AS_ASCII": "app.json.ensure_ascii", "JSON_SORT_KEYS": "app.json.sort_keys",
                 "JSONIFY_PRETTYPRINT_REGULAR": "app.json.compact",
                 "JSONIFY_MIMETYPE": "app.json.mimetype", "ENV": "app.debug / --debug",
                 "FLASK_ENV": "FLASK_DEBUG"}


class FlaskRules(UpgradeBase):
    def flask_import(self, line: cst.SimpleStatementLine):
        """`from flask import Markup, request` -> `from flask import request` and
        `from markupsafe import Markup`; gone names get a TODO."""
        node = line.body[0] if len(line.body) == 1 else None
        if not isinstance(node, cst.ImportFrom) or node.relative or node.module is None \
                or isinstance(node.names, cst.ImportStar):
            return line
        module, kept = dotted(node.module), []
        moved: dict[str, list[str]] = {}
        for alias in node.names:
            name = dotted(alias.name)
            local = dotted(alias.asname.name) if alias.asname else name
            if (module, name) in GONE:
                rule, instead = GONE[(module, name)]
                self.todo(rule, f"{module}.{name} is gone in Flask/Werkzeug 3: use {instead}")
            move = MOVES.get((module, name))
            if move and self.on(move[0]):
                self.apply(move[0])
                if move[1:] == ("urllib.parse", "quote"):
                    self.url_quote.add(local)
                as_ = "" if local == move[2] else f" as {local}"
                moved.setdefault(move[1], []).append(f"{move[2]}{as_}")
            else:
                kept.append(alias)
        if not moved:
            return line
        new = [cst.parse_statement(f"from {target} import {', '.join(names)}\n")
               for target, names in moved.items()]
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
            names = node.with_changes(names=kept, lpar=node.lpar if len(kept) > 1 else None,
                                      rpar=node.rpar if len(kept) > 1 else None)
            new.insert(0, line.with_changes(body=[names]))
        else:
            new[0] = new[0].with_changes(leading_lines=line.leading_lines)
        return cst.FlattenSentinel(new)

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine,
                                  updated: cst.SimpleStatementLine):
        key = config_key(updated)
        if key in JSON_SETTINGS:
            self.todo("FLK105", f"{key} is ignored since Flask 2.3: set {JSON_SETTINGS[key]}")
        return self.flask_import(updated)

    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute):
        name = dotted(updated)
        module, _, attr = name.rpartition(".")
        if (module, attr) in GONE or (module, attr) in MOVES:
            rule, instead = GONE.get((module, attr)) or ("FLK104", ".".join(
                MOVES[(module, attr)][1:]))
            self.todo(rule, f"{name} is gone in Flask/Werkzeug 3: use {instead}")
        if attr in {"json_encoder", "json_decoder"}:
            self.todo("FLK103", R.FLASK_TODO["json"])
        if attr == "before_first_request":
            self.todo("FLK101")
        return super().leave_Attribute(original, updated)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if dotted(original.func).rsplit(".", 1)[-1] == "before_first_request":
            self.todo("FLK101")
        result = super().leave_Call(original, updated)
        return self.flask_call(result) if isinstance(result, cst.Call) else result

    def flask_call(self, updated: cst.Call) -> cst.Call:
        """send_file's renamed keywords; url_quote(s) as quote(s, safe="/:")."""
        func = dotted(updated.func).rsplit(".", 1)[-1]
        if func in {"send_file", "send_from_directory"} and self.on("FLK004"):
            args = []
            for arg in updated.args:
                word = arg.keyword.value if arg.keyword else ""
                if word in SEND_FILE_KEYWORDS and (word != "filename"
                                                   or func == "send_from_directory"):
                    self.apply("FLK004")
                    arg = arg.with_changes(keyword=cst.Name(SEND_FILE_KEYWORDS[word]))
                args.append(arg)
            return updated.with_changes(args=args)
        if isinstance(updated.func, cst.Name) and updated.func.value in self.url_quote:
            words = [a.keyword.value if a.keyword else None for a in updated.args]
            if words == [None]:
                return updated.with_changes(args=[*updated.args, cst.Arg(
                    cst.SimpleString('"/:"'), keyword=cst.Name("safe"), equal=NO_SPACE)])
            if words != [None, "safe"]:
                self.todo("FLK104", "werkzeug's url_quote(string, charset, errors, safe, "
                                    "unsafe) is now urllib.parse.quote: check the arguments")
        return updated
