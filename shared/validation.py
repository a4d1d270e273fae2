"""Input rules, written once and called by both apps (and by the store itself, so that no
caller can write a value that breaks them)."""

import math
import unicodedata
from typing import Any

from shared.errors import ValidationError

USERNAME_MAX = 64
PASSWORD_MIN = 8
# argon2 has no input limit, but hashing megabytes per request is a cheap denial of service.
PASSWORD_MAX = 256
ITEM_NAME_MAX = 80
PRICE_MAX = 1_000_000_000


def _text(value: Any, field: str, max_len: int, min_len: int = 1) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"'{field}' must be a string.")
    if "\x00" in value:
        raise ValidationError(f"'{field}' must not contain NUL characters.")
    try:
        # JSON can carry lone surrogates ("\\ud800"); they cannot be stored or hashed as UTF-8.
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"'{field}' must be valid Unicode text.") from None
    if not min_len <= len(value) <= max_len:
        raise ValidationError(f"'{field}' must be {min_len} to {max_len} characters long.")
    return value


def _name(value: Any, field: str, max_len: int) -> str:
    """A display name: NFKC-normalized so that look-alike forms are one name, edges stripped."""
    name = unicodedata.normalize("NFKC", _text(value, field, max_len)).strip()
    if not name or not name.isprintable():
        raise ValidationError(f"'{field}' must be printable and not blank.")
    if "\ufffd" in name:
        # U+FFFD is what a decoder leaves of invalid UTF-8 (e.g. a bad %-escape in a URL).
        raise ValidationError(f"'{field}' must not contain U+FFFD (a decoding error).")
    if len(name) > max_len:
        raise ValidationError(f"'{field}' must be 1 to {max_len} characters long.")
    return name


def clean_username(value: Any) -> str:
    return _name(value, "username", USERNAME_MAX)


# Casefolding lengthens a name: at most twice over all of Unicode ('ß' -> 'ss', measured after
# NFKC); the column leaves a margin.
USERNAME_KEY_MAX = 3 * USERNAME_MAX


def username_key(name: str) -> str:
    """The uniqueness key: 'Bob', 'BOB' and full-width 'bob' (U+FF42...) are one user.
    NFKC again after casefolding, whose output need not be normalized (Unicode's NFKC_Casefold
    idea)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def clean_password(value: Any) -> str:
    """A new password: NFKC-normalized (shared/passwords.py says why), never trimmed; its
    length bounds hold for the normalized form, which is what is hashed."""
    password = unicodedata.normalize("NFKC", _text(value, "password", PASSWORD_MAX, 0))
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationError(
            f"'password' must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long.")
    return password


def login_password(value: Any) -> str:
    """At login only the shape is checked: a policy change must not lock out old accounts."""
    return _text(value, "password", PASSWORD_MAX)


def clean_item_name(value: Any) -> str:
    return _name(value, "name", ITEM_NAME_MAX)


def clean_price(value: Any) -> float:
    # bool is an int subclass: True must not become a price of 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError("'price' must be a number.")
    # Compare before converting: float() of a huge int raises OverflowError.
    if not (isinstance(value, int) or math.isfinite(value)) or not 0 <= value <= PRICE_MAX:
        raise ValidationError(f"'price' must be a finite number from 0 to {PRICE_MAX}.")
    return float(value)


def json_object(body: Any, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    """A request body must be a JSON object with exactly the expected fields."""
    if not isinstance(body, dict):
        raise ValidationError("The request body must be a JSON object.")
    missing = [f for f in required if f not in body]
    if missing:
        raise ValidationError(f"Missing field(s): {', '.join(missing)}.")
    unexpected = sorted(set(body) - set(required) - set(optional))
    if unexpected:
        shown = ", ".join(repr(f)[:40] for f in unexpected[:5])
        raise ValidationError(f"Unexpected field(s): {shown}.")
    return body
