"""The user store both apps share: plain SQLAlchemy 2, no Flask, no Werkzeug.

The v1 (Flask-JWT) and v2 (Flask-JWT-Extended) apps run in different interpreters with
different Flask versions, so everything they have in common lives here and imports neither.
"""

from shared.errors import (
    AlreadyExists,
    ConfigError,
    InvalidCredentials,
    NotFound,
    StoreError,
    TooManyAttempts,
    ValidationError,
)
from shared.store import ItemRecord, Store, UserRecord

__all__ = [
    "AlreadyExists",
    "ConfigError",
    "InvalidCredentials",
    "ItemRecord",
    "NotFound",
    "Store",
    "StoreError",
    "TooManyAttempts",
    "UserRecord",
    "ValidationError",
]
