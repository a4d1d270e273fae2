"""What a request may carry before any parser sees it: JSON nesting, strings that are not
Unicode, token size and token nesting. Each limit answers a 4xx that says what is wrong; past
them, the parsers raised RecursionError or UnicodeEncodeError, which were 500s (v1 for a token
header nested ~1,100 deep, /token/exchange for a deep body or a lone surrogate)."""

import base64
import binascii
import re
from typing import Any

from shared import ValidationError

# Deeper than any JSON this API reads (the deepest, a token's claims, is 2 levels).
MAX_JSON_DEPTH = 32
# Our tokens are under 1 KiB; gunicorn lets a 64 KiB header through (gunicorn.conf.py).
MAX_TOKEN_LENGTH = 8192
_JSON_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def check_json(value: Any) -> Any:
    """A parsed JSON value, if it is at most MAX_JSON_DEPTH deep and every string (keys too)
    is Unicode text (JSON's "\\ud800" parses to a lone surrogate, which no encoder takes);
    else ValidationError."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise ValidationError("A string in the request is not valid Unicode text "
                                      "(a lone surrogate such as \\ud800).") from None
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValidationError(
                    f"The request body is nested too deeply (at most {MAX_JSON_DEPTH} levels).")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return value


def token_problem(token: str) -> str | None:
    """Why a token is refused before any JWT library parses it (too long, or a header or
    payload nested deeper than MAX_JSON_DEPTH), or None: the library then judges it."""
    if len(token) > MAX_TOKEN_LENGTH:
        return f"The token is longer than {MAX_TOKEN_LENGTH} characters"
    for segment in token.split(".", 2)[:2]:
        try:
            decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        except (ValueError, binascii.Error):
            return None  # not base64url: the library says so in its own words
        # Fast path: fewer brackets than the limit cannot nest past it (every token of ours).
        if decoded.count(b"[") + decoded.count(b"{") > MAX_JSON_DEPTH and \
                _nesting(decoded) > MAX_JSON_DEPTH:
            return "The token's header or payload is nested too deeply"
    return None


def _nesting(document: bytes) -> int:
    """How deep a JSON document nests (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in _JSON_STRING_OR_BRACKET.finditer(document):
        bracket = match.group()
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in (b"]", b"}"):
            depth -= 1
    return deepest
