"""The rules of jwt_upgrade: an id each, what it rewrites, or what it asks a human to do.

FJE0xx rewrite Flask-JWT-Extended 3.x code to 4.x; FJE1xx leave a TODO where the right change
depends on the code around it; FJE2xx flag Flask-JWT (a different library: nothing to rename,
a migration to make; see migration_notes.md); FLK0xx rewrite, FLK1xx flag, the Flask and
Werkzeug 2.0 names that 3.1 removed (flask.py).
"""

NOTES = "migration_notes.md"

RULES = {
    "FJE001": "@jwt_required -> @jwt_required()",
    "FJE002": "@jwt_optional -> @jwt_required(optional=True)",
    "FJE003": "@fresh_jwt_required -> @jwt_required(fresh=True)",
    "FJE004": "@jwt_refresh_token_required -> @jwt_required(refresh=True)",
    "FJE005": "verify_*_in_request variants -> verify_jwt_in_request(optional/fresh/refresh=True)",
    "FJE006": "get_raw_jwt -> get_jwt, get_raw_jwt_header -> get_jwt_header",
    "FJE007": "get_jwt_claims -> get_jwt (claims are top level in 4.x)",
    "FJE008": "create_*_token(user_claims=, headers=) -> additional_claims=, additional_headers=",
    "FJE009": "user_claims_loader -> additional_claims_loader",
    "FJE010": "loader renames (user_lookup_loader, token_in_blocklist_loader, ...)",
    "FJE011": "UserLoadError -> UserLookupError",
    "FJE012": "settings removed in 4.x: line removed, TODO says what replaced it",
    "FJE013": "werkzeug.security.safe_str_cmp -> hmac.compare_digest on bytes",
    "FJE014": "a 3.x token's 'identity' claim -> 'sub' (get_raw_jwt()['identity'], ...)",
    "FJE015": "user loaders took the identity: (jwt_header, jwt_data) + identity = jwt_data['sub']",
    "FJE016": "'flask_jwt_extended.<3.x name>' in strings (mock.patch targets) -> 4.x's name",
    "FJE101": "loader callbacks take (jwt_header, jwt_payload) in 4.x",
    "FJE102": "identity passed to create_*_token must be a string (PyJWT >= 2.10)",
    "FJE103": "get_jwt_identity() compared with a value: it is a string now",
    "FJE104": "decode_key_loader callback: arguments reversed in 4.x",
    "FJE105": "jwt.encode() returns str in PyJWT 2: drop .decode()",
    "FJE106": "identity that is not a string (dict, object): 4.x needs a string 'sub'",
    "FJE107": "claims loader returning something other than a dict",
    "FJE108": "user_claims= replaced the loader's claims on 3.x; additional_claims= merges",
    "FJE109": "get_jwt_claims() read whole: get_jwt() is the whole payload in 4.x",
    "FJE110": "a token's 'user_claims' claim: claims are top level in 4.x",
    "FJE111": "a 3.x name that does not exist in 4.x, in a place no rule rewrites",
    "FJE112": "one callback for loaders that 4.x calls with different arguments",
    "FJE201": "Flask-JWT code: migrate it (not a rename)",
    # Flask 2.0 / Werkzeug 2.0 -> Flask 3.1 / Werkzeug 3.1, met on the same upgrade (flask.py)
    "FLK001": "from flask import escape, Markup -> from markupsafe import ...",
    "FLK002": "werkzeug.urls.url_quote(s) -> urllib.parse.quote(s, safe='/:'), url_quote_plus",
    "FLK003": "werkzeug.wrappers.BaseResponse/BaseRequest -> Response/Request",
    "FLK004": "send_file(attachment_filename=, cache_timeout=, add_etags=) -> download_name=, "
              "max_age=, etag=; send_from_directory(filename=) -> path=",
    "FLK101": "before_first_request is gone (Flask 2.3)",
    "FLK102": "_request_ctx_stack / _app_ctx_stack are gone (Flask 3.0)",
    "FLK103": "json_encoder / JSONEncoder are gone (Flask 2.3): a JSON provider",
    "FLK104": "other removed Flask/Werkzeug names (werkzeug.urls, safe_join, ...)",
    "FLK105": "JSON_* and ENV settings are ignored since Flask 2.3",
}

# 3.x decorator name -> the keyword that jwt_required() takes instead (None: bare).
DECORATORS = {"jwt_required": ("FJE001", None), "jwt_optional": ("FJE002", "optional"),
              "fresh_jwt_required": ("FJE003", "fresh"),
              "jwt_refresh_token_required": ("FJE004", "refresh")}
VERIFY_CALLS = {"verify_jwt_in_request_optional": "optional",
                "verify_fresh_jwt_in_request": "fresh",
                "verify_jwt_refresh_token_in_request": "refresh"}
# Plain renames of names imported from flask_jwt_extended (or its attributes).
RENAMES = {"get_raw_jwt": ("FJE006", "get_jwt"), "get_raw_jwt_header": ("FJE006", "get_jwt_header"),
           "get_jwt_claims": ("FJE007", "get_jwt"), "UserLoadError": ("FJE011", "UserLookupError")}
# JWTManager methods.
LOADER_RENAMES = {
    "user_claims_loader": ("FJE009", "additional_claims_loader"),
    "user_loader_callback_loader": ("FJE010", "user_lookup_loader"),
    "user_loader_error_loader": ("FJE010", "user_lookup_error_loader"),
    "token_in_blacklist_loader": ("FJE010", "token_in_blocklist_loader"),
    "claims_verification_loader": ("FJE010", "token_verification_loader"),
    "claims_verification_failed_loader": ("FJE010", "token_verification_failed_loader"),
}
KEYWORD_RENAMES = {"user_claims": "additional_claims", "headers": "additional_headers"}
TOKEN_FACTORIES = {"create_access_token", "create_refresh_token"}
# 4.x loaders whose callback takes (jwt_header, jwt_payload).
TWO_ARGUMENT_LOADERS = {"expired_token_loader", "needs_fresh_token_loader",
                        "revoked_token_loader", "token_in_blocklist_loader",
                        "user_lookup_loader", "user_lookup_error_loader",
                        "token_verification_loader", "token_verification_failed_loader"}
# How many arguments 4.x passes to each loader's callback.
LOADER_ARITY = {**{name: 2 for name in TWO_ARGUMENT_LOADERS}, "decode_key_loader": 2,
                "additional_claims_loader": 1, "additional_headers_loader": 1,
                "user_identity_loader": 1, "encode_key_loader": 1, "invalid_token_loader": 1,
                "unauthorized_loader": 1}
# 3.x loaders whose callback took the identity where 4.x passes the decoded token.
IDENTITY_LOADERS = {"user_loader_callback_loader", "user_loader_error_loader"}
# 3.x loaders whose one argument was the decoded token (its 'identity' claim is 'sub' now).
TOKEN_LOADERS = {"token_in_blacklist_loader", "expired_token_loader", "revoked_token_loader",
                 "needs_fresh_token_loader"}
REMOVED_SETTINGS = {
    "JWT_BLACKLIST_ENABLED": "a token_in_blocklist_loader alone turns the check on",
    "JWT_BLACKLIST_TOKEN_CHECKS": "check jwt_payload['type'] in the token_in_blocklist_loader",
    "JWT_USER_CLAIMS": "additional claims are top-level claims now",
    "JWT_CLAIMS_IN_REFRESH_TOKEN": "additional claims are always in both tokens now",
    "JWT_CSRF_HEADER_NAME": "JWT_ACCESS_CSRF_HEADER_NAME and JWT_REFRESH_CSRF_HEADER_NAME",
}
FLASK_JWT_SETTINGS = {"JWT_AUTH_HEADER_PREFIX": "JWT_HEADER_TYPE ('Bearer')",
                      "JWT_EXPIRATION_DELTA": "JWT_ACCESS_TOKEN_EXPIRES",
                      "JWT_AUTH_URL_RULE": "a /login view of your own",
                      "JWT_LEEWAY": "JWT_DECODE_LEEWAY"}

TODO = {
    "FJE101": "4.x calls this with (jwt_header, jwt_payload); adapt the body",
    "FJE102": "PyJWT >= 2.10 rejects a non-string 'sub' (422 'Subject must be a string'): "
              "pass a string, e.g. str(...), or use a user_identity_loader",
    "FJE103": "get_jwt_identity() returns what the token holds: a string once identities "
              "are strings",
    "FJE104": "4.x calls decode_key_loader with (jwt_header, jwt_payload): the 3.x order "
              "was (claims, headers)",
    "FJE105": "PyJWT 2's jwt.encode() returns str: drop .decode()",
    "FJE106": "pass a string identity (e.g. str(user.id)) and the rest as additional_claims "
              "(or a user_identity_loader + additional_claims_loader); JWT_IDENTITY_CLAIM "
              "names the claim; JWT_VERIFY_SUB = False is only a stop-gap",
    "FJE107": "4.x needs a dict from additional_claims_loader (3.x accepted any JSON value): "
              "return e.g. {'roles': [...]}, and read it back by that key",
    "FJE108": "on 3.x user_claims= replaced what the claims loader returned; 4.x merges "
              "additional_claims= into it: drop the loader's claims you did not want",
    "FJE109": "get_jwt() is the whole payload in 4.x (exp, jti, sub, ...), get_jwt_claims() "
              "was only the custom claims: read the keys you need",
    "FJE110": "claims are top level in 4.x: there is no 'user_claims' claim, read each key",
    "FJE111": "a 3.x name no rule rewrote here (see the FJE0xx rules)",
    "FJE112": "4.x calls these loaders with different arguments: one function per loader",
    "FJE201": f"Flask-JWT, not Flask-JWT-Extended: a migration, not a rename ({NOTES})",
}
FLASK_TODO = {
    "ctx_stack": "flask.g for your own data, flask.globals.request_ctx / app_ctx for the "
                 "contexts themselves",
    "json": "a JSON provider: subclass flask.json.provider.DefaultJSONProvider and set app.json = "
            "YourProvider(app) (its default() is what JSONEncoder.default was)",
}
TODO["FLK101"] = ("before_first_request is gone since Flask 2.3: run it once where the app is "
                  "created (with app.app_context(): ...) or guard a before_request with a flag")

# Flask-JWT names worth a TODO where they are used, and what replaces each.
FLASK_JWT_USES = {
    "JWT": f"JWT(app, authenticate, identity) -> JWTManager(app), your own POST /login and "
           f"the user loaders ({NOTES}, steps 1-3)",
    "current_identity": f"current_identity -> current_user, with a user_lookup_loader "
                        f"({NOTES}, step 3)",
}
