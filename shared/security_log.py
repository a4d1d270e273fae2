"""The security event log: the `security` logger, one JSON object per line on stderr (and in
the file SECURITY_LOG_FILE names), in both apps and the CLI.

python-json-logger formats it (a well-kept formatter, stdlib logging underneath, the same in
both stacks: structlog's request-bound context would not earn its keep, the apps pass every
field explicitly). JSON encoding is the defence against log injection: a newline or a quote
in anything a client sent stays inside its string (and non-ASCII is escaped). Names follow
OWASP's Logging Vocabulary. Never a token, a password, a key or a connection string: fields are
chosen, never copied wholesale from a request, and a token's jti only hashed (ASVS 16.2.5)."""

import hashlib
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

LOGGER_NAME = "security"
security = logging.getLogger(LOGGER_NAME)


def _configure() -> None:
    """Once per process: stderr, and the file SECURITY_LOG_FILE names (appended to)."""
    if security.handlers:
        return
    formatter = JsonFormatter(["levelname", "message"],
                              rename_fields={"levelname": "level", "message": "event"})
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if path := os.environ.get("SECURITY_LOG_FILE"):
        handlers.append(logging.FileHandler(path, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        security.addHandler(handler)
    security.setLevel(logging.INFO)
    security.propagate = False  # one line per event, not another through the root logger


def hashed(jti: str) -> str:
    """A token id as the log may keep it: irreversible, yet the same id gives the same hash."""
    return hashlib.sha256(jti.encode()).hexdigest()[:16]


def log_event(event: str, appid: str, *, level: int = logging.INFO, **fields: Any) -> None:
    _configure()
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    security.log(level, event, extra={"datetime": now, "appid": appid, **fields})
