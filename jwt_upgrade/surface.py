"""Flask-JWT-Extended 3.25.1's surface, each part with the rule that handles it.

Written from the package itself, not from memory: tests/codemod/test_surface.py lists the public
names, JWTManager's loader methods and the config keys of the 3.25.1 in .venv-fje3 and fails
when one is missing here; it also checks that what is marked KEPT exists in 4.x. KEPT means the
same name, same meaning on 4.7 (with the rule in brackets where its use still needs one).
"""

KEPT = "kept"

PUBLIC_3X: dict[str, str] = {
    # renamed or folded into jwt_required()/verify_jwt_in_request()
    "jwt_required": "FJE001", "jwt_optional": "FJE002", "fresh_jwt_required": "FJE003",
    "jwt_refresh_token_required": "FJE004", "verify_jwt_in_request_optional": "FJE005",
    "verify_fresh_jwt_in_request": "FJE005", "verify_jwt_refresh_token_in_request": "FJE005",
    "get_raw_jwt": "FJE006", "get_raw_jwt_header": "FJE006", "get_jwt_claims": "FJE007",
    # the same name in 4.x; the rule in brackets looks at how it is used
    "create_access_token": KEPT + " (FJE008, FJE102, FJE106, FJE108)",
    "create_refresh_token": KEPT + " (FJE008, FJE102, FJE106, FJE108)",
    "decode_token": KEPT + " (FJE014, FJE110: its 'identity' claim is 'sub')",
    "get_jwt_identity": KEPT + " (FJE103)", "JWTManager": KEPT, "current_user": KEPT,
    "get_csrf_token": KEPT, "get_current_user": KEPT, "get_jti": KEPT,
    "get_unverified_jwt_headers": KEPT, "set_access_cookies": KEPT, "set_refresh_cookies": KEPT,
    "unset_access_cookies": KEPT, "unset_jwt_cookies": KEPT, "unset_refresh_cookies": KEPT,
    "verify_jwt_in_request": KEPT,
    # submodules (their own names: EXCEPTIONS_3X; the others are internals)
    "config": KEPT, "default_callbacks": KEPT, "exceptions": KEPT, "jwt_manager": KEPT,
    "tokens": KEPT, "utils": KEPT, "view_decorators": KEPT,
}

EXCEPTIONS_3X: dict[str, str] = {
    "UserLoadError": "FJE011", "CSRFError": KEPT, "FreshTokenRequired": KEPT,
    "InvalidHeaderError": KEPT, "JWTDecodeError": KEPT, "JWTExtendedException": KEPT,
    "NoAuthorizationError": KEPT, "RevokedTokenError": KEPT,
    "UserClaimsVerificationError": KEPT, "WrongTokenError": KEPT,
}

LOADERS_3X: dict[str, str] = {
    "user_claims_loader": "FJE009 (FJE107: the callback must return a dict)",
    "user_loader_callback_loader": "FJE010, FJE015", "user_loader_error_loader": "FJE010, FJE015",
    "token_in_blacklist_loader": "FJE010, FJE101",
    "claims_verification_loader": "FJE010, FJE101",
    "claims_verification_failed_loader": "FJE010, FJE101",
    "expired_token_loader": "FJE101", "needs_fresh_token_loader": "FJE101",
    "revoked_token_loader": "FJE101", "decode_key_loader": "FJE104",
    "user_identity_loader": KEPT + " (FJE102, FJE106: what it returns)",
    "additional_headers_loader": KEPT, "encode_key_loader": KEPT, "invalid_token_loader": KEPT,
    "unauthorized_loader": KEPT,
}

# Config keys 3.25.1 reads; the removed ones are REMOVED_SETTINGS in rules.py (FJE012).
CONFIG_3X: dict[str, str] = {
    "JWT_BLACKLIST_ENABLED": "FJE012", "JWT_BLACKLIST_TOKEN_CHECKS": "FJE012",
    "JWT_CLAIMS_IN_REFRESH_TOKEN": "FJE012", "JWT_USER_CLAIMS": "FJE012",
    "JWT_CSRF_HEADER_NAME": "FJE012",
    "JWT_IDENTITY_CLAIM": KEPT + " (its default is 'sub' in 4.x, was 'identity')",
    **{key: KEPT for key in (
        "SECRET_KEY", "JWT_ACCESS_COOKIE_NAME", "JWT_ACCESS_COOKIE_PATH",
        "JWT_ACCESS_CSRF_COOKIE_NAME", "JWT_ACCESS_CSRF_COOKIE_PATH",
        "JWT_ACCESS_CSRF_FIELD_NAME", "JWT_ACCESS_CSRF_HEADER_NAME",
        "JWT_ACCESS_TOKEN_EXPIRES", "JWT_ALGORITHM", "JWT_COOKIE_CSRF_PROTECT",
        "JWT_COOKIE_DOMAIN", "JWT_COOKIE_SAMESITE", "JWT_COOKIE_SECURE",
        "JWT_CSRF_CHECK_FORM", "JWT_CSRF_IN_COOKIES", "JWT_CSRF_METHODS",
        "JWT_DECODE_ALGORITHMS", "JWT_DECODE_AUDIENCE", "JWT_DECODE_ISSUER",
        "JWT_DECODE_LEEWAY", "JWT_ENCODE_ISSUER", "JWT_ERROR_MESSAGE_KEY",
        "JWT_HEADER_NAME", "JWT_HEADER_TYPE", "JWT_JSON_KEY", "JWT_PRIVATE_KEY",
        "JWT_PUBLIC_KEY", "JWT_QUERY_STRING_NAME", "JWT_REFRESH_COOKIE_NAME",
        "JWT_REFRESH_COOKIE_PATH", "JWT_REFRESH_CSRF_COOKIE_NAME",
        "JWT_REFRESH_CSRF_COOKIE_PATH", "JWT_REFRESH_CSRF_FIELD_NAME",
        "JWT_REFRESH_CSRF_HEADER_NAME", "JWT_REFRESH_JSON_KEY", "JWT_REFRESH_TOKEN_EXPIRES",
        "JWT_SECRET_KEY", "JWT_SESSION_COOKIE", "JWT_TOKEN_LOCATION",
    )},
}

# 3.x names that do not exist in 4.x: one left in code after the rewrite is a silent miss.
GONE_IN_4X = {name for name, rule in {**PUBLIC_3X, **EXCEPTIONS_3X}.items()
              if not rule.startswith(KEPT) and name != "jwt_required"}
