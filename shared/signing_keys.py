"""Where each app's JWT signing secret comes from, and which secrets are refused.

Never in code: from JWT_SECRET_KEY, or, only with APP_DEV_MODE=1, generated once and kept
under instance/ (one file per app, so a v1 token is never valid at v2 and vice versa).
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from shared.database import INSTANCE_DIR
from shared.errors import ConfigError

MIN_KEY_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash output
# Secrets from tutorials and framework docs: anyone can forge tokens signed with them.
KNOWN_DEFAULTS = frozenset({
    "jose", "secret", "super-secret", "supersecret", "super-secret-key", "changeme",
    "change-me", "change_me", "password", "secret-key", "secret_key", "your-secret-key",
    "jwt-secret", "jwt_secret", "dev", "development", "test", "testing", "default",
})

def weakness(key: str) -> str | None:
    """Why a key must not sign tokens, or None when it is acceptable."""
    if key.strip().lower() in KNOWN_DEFAULTS:
        return "it is a well-known default secret"
    if len(key.encode()) < MIN_KEY_BYTES:
        return f"it is shorter than {MIN_KEY_BYTES} bytes"
    return None


def dev_mode(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("APP_DEV_MODE", "") == "1"


def load_signing_key(app_name: str, key: str | None = None,
                     environ: Mapping[str, str] = os.environ,
                     instance_dir: Path = INSTANCE_DIR) -> str:
    key = key if key is not None else environ.get("JWT_SECRET_KEY", "")
    if key:
        # Dev mode too: a server that accepts tokens signed with 'jose' accepts anyone's.
        reason = weakness(key)
        if reason:
            raise ConfigError(f"JWT_SECRET_KEY refused: {reason}. {_HOW_TO}")
        return key
    if not dev_mode(environ):
        raise ConfigError(f"JWT_SECRET_KEY is not set. {_HOW_TO}")
    path = instance_dir / f"{app_name}-jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once cannot both write different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(MIN_KEY_BYTES))
        except FileExistsError:
            pass
    return path.read_text().strip()


_HOW_TO = (
    "Set it to at least 32 random bytes, e.g. "
    "JWT_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'), "
    "or leave it unset with APP_DEV_MODE=1 to generate one under instance/."
)
