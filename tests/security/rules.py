"""The rules every robustness case checks, whatever it sends."""

import re

from sidebyside.clients import Exchange

# RFC 6750 §3: error_description's characters; and no header value carries anything but
# printable ASCII (attacker text never reaches a header).
DESCRIPTION = re.compile(r'error_description="([\x20\x21\x23-\x5b\x5d-\x7e]*)"')
PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")

ERROR_CODES = {
    "authorization_required", "invalid_token", "token_expired", "fresh_token_required",
    "token_revoked", "user_not_found", "admin_required", "validation_error", "already_exists",
    "not_found", "invalid_credentials", "too_many_attempts", "method_not_allowed",
    "payload_too_large", "not_allowed",
    # POST /token/exchange (the cut-over bridge) answers with RFC 6749 §5.2's codes
    "invalid_request", "unsupported_grant_type", "invalid_grant",
}


def check_answer(ex: Exchange) -> None:
    """Never a 5xx; always JSON, never cached nor sniffed; an error always has the contract's
    shape and a known code; a 401 always names the scheme (RFC 7235)."""
    context = f"{ex.app} {ex.method} {ex.path} -> {ex.status} {ex.body[:300]!r}"
    assert ex.status < 500, context
    assert ex.headers.get("Content-Type", "").startswith("application/json"), context
    assert ex.json is not None, context
    if ex.status >= 400:
        assert isinstance(ex.json, dict) and set(ex.json) == {"message", "error"}, context
        assert ex.json["error"] in ERROR_CODES, context
    assert ex.headers.get("X-Content-Type-Options") == "nosniff", context
    assert ex.headers.get("Cache-Control") == "no-store", context
    if ex.status == 401:
        challenge = ex.headers.get("WWW-Authenticate", "")
        assert challenge.startswith(("JWT realm=", "Bearer realm=")), context
        assert PRINTABLE_ASCII.fullmatch(challenge), context
        if "error_description" in challenge:
            assert DESCRIPTION.search(challenge), context


def outcome(ex: Exchange) -> str:
    return "accepted" if ex.status < 400 else ex.error or f"status {ex.status}"
