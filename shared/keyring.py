"""Signing keys that change without logging anyone out (v2 only: Flask-JWT has no key hook).

A keyring is a JSON file (JWT_KEYRING=path, mode 0600) that an operator changes with
`python -m shared keys ...` and that every v2 worker re-reads when it changes. Each key has an
id (`kid`, in every token it signs), an algorithm and a state:

  next      published (an ES256 key: in /.well-known/jwks.json), verifies, signs nothing yet
  current   signs every new token; exactly one
  previous  verifies what it signed, signs nothing
  retired   verifies nothing: its tokens are refused

HS256 keys are shared secrets (only this app verifies); ES256 keys let other services verify
with the public half. The two rules that keep everyone logged in:
- promote a published key only after it has been published for one verifier cache window
  (PUBLISH_SECONDS: PyJWKClient caches a JWKS 300 s and refetches an unknown kid only after
  a 30 s cooldown), or the verifiers refuse the first tokens it signs;
- retire a key only once the longest token it signed has expired (LONGEST_TOKEN after it
  stopped signing: v2's refresh tokens live 30 days), or those tokens die with it.

Tokens signed before the keyring existed carry no kid: they verify under the app's old
JWT_SECRET_KEY until `unkeyed_until`, then get a message that says to log in again.
"""

import fcntl
import json
import logging
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from shared.errors import ConfigError
from shared.security_log import log_event
from shared.signing_keys import weakness

ALGORITHMS = ("HS256", "ES256")
STATES = ("next", "current", "previous", "retired")
VERIFYING = ("next", "current", "previous")
# What a kid may look like: checked before any lookup, as it comes from an unverified header.
KID = re.compile(r"[A-Za-z0-9_-]{1,64}")
LONGEST_TOKEN = timedelta(days=30)  # v2's JWT_REFRESH_TOKEN_EXPIRES
PUBLISH_SECONDS = 330  # PyJWKClient: lifespan 300 s + cooldown 30 s


def now() -> datetime:
    return datetime.now(UTC)


def publish_window() -> timedelta:
    """KEYRING_PUBLISH_SECONDS: the verifiers' cache window, if yours differ from PyJWKClient's
    defaults."""
    return timedelta(seconds=int(os.environ.get("KEYRING_PUBLISH_SECONDS", PUBLISH_SECONDS)))


class KeyringError(Exception):
    """An operator's step refused, with what to do instead."""


@dataclass(frozen=True)
class SigningKey:
    kid: str
    alg: str
    state: str
    secret: str  # HS256: the shared secret; ES256: the private key, PEM
    added: datetime
    promoted: datetime | None = None
    demoted: datetime | None = None  # when it stopped signing

    @property
    def published(self) -> bool:
        return self.alg != "HS256"

    @cached_property
    def signing_material(self) -> Any:
        if self.alg == "HS256":
            return self.secret
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        return load_pem_private_key(self.secret.encode(), password=None)

    @cached_property
    def verification_material(self) -> Any:
        return self.secret if self.alg == "HS256" else self.signing_material.public_key()

    def public_jwk(self) -> dict:
        from jwt.algorithms import ECAlgorithm

        jwk = ECAlgorithm.to_jwk(self.verification_material, as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": self.alg}

    def to_json(self) -> dict:
        return {"kid": self.kid, "alg": self.alg, "state": self.state, "secret": self.secret,
                "added": stamp(self.added), "promoted": stamp(self.promoted),
                "demoted": stamp(self.demoted)}


@dataclass(frozen=True)
class Keyring:
    keys: tuple[SigningKey, ...]
    unkeyed_secret: str | None = None  # JWT_SECRET_KEY from before the keyring
    unkeyed_until: datetime | None = None

    def current(self) -> SigningKey:
        return next(k for k in self.keys if k.state == "current")

    def find(self, kid: str) -> SigningKey | None:
        return next((k for k in self.keys if k.kid == kid), None)

    def verifying(self, kid: str) -> SigningKey | None:
        key = self.find(kid)
        return key if key is not None and key.state in VERIFYING else None

    def accepts_unkeyed(self, at: datetime | None = None) -> bool:
        return (self.unkeyed_secret is not None and self.unkeyed_until is not None
                and (at or now()) < self.unkeyed_until)

    def algorithms(self) -> list[str]:
        return sorted({k.alg for k in self.keys if k.state in VERIFYING} | {"HS256"})

    def jwks(self) -> dict:
        return {"keys": [k.public_jwk() for k in self.keys
                         if k.published and k.state in VERIFYING]}

    def to_json(self) -> dict:
        return {"keys": [k.to_json() for k in self.keys],
                "unkeyed": {"secret": self.unkeyed_secret, "until": stamp(self.unkeyed_until)}
                if self.unkeyed_secret else None}


def stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def parse_time(raw: Any, where: str) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"keyring: {where} is not an ISO-8601 time: {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse(document: Any) -> Keyring:
    """A keyring from its JSON, checked: a bad file is refused whole, never half-used."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ConfigError('keyring: expected {"keys": [...]}')
    keys = []
    for number, raw in enumerate(document["keys"], 1):
        if not isinstance(raw, dict):
            raise ConfigError(f"keyring: key {number} is not an object")
        kid, alg, state, secret = (raw.get(n) for n in ("kid", "alg", "state", "secret"))
        if not isinstance(kid, str) or not KID.fullmatch(kid):
            raise ConfigError(f"keyring: key {number}: kid must match {KID.pattern}")
        if alg not in ALGORITHMS or state not in STATES or not isinstance(secret, str):
            raise ConfigError(f"keyring: key {kid}: alg in {ALGORITHMS}, state in {STATES}, "
                              "and a secret")
        if alg == "HS256" and (reason := weakness(secret)):
            raise ConfigError(f"keyring: key {kid} refused: {reason}")
        if alg == "ES256" and not usable_es256(secret):
            raise ConfigError(f"keyring: key {kid} is not an unencrypted P-256 private key "
                              "in PEM")
        added = parse_time(raw.get("added"), f"{kid}.added") or now()
        keys.append(SigningKey(kid, alg, state, secret, added,
                               parse_time(raw.get("promoted"), f"{kid}.promoted"),
                               parse_time(raw.get("demoted"), f"{kid}.demoted")))
    if [k.state for k in keys].count("current") != 1:
        raise ConfigError("keyring: exactly one key must be current")
    if len({k.kid for k in keys}) != len(keys):
        raise ConfigError("keyring: two keys share a kid")
    unkeyed = document.get("unkeyed") or {}
    if not isinstance(unkeyed, dict):
        raise ConfigError('keyring: "unkeyed" must be {"secret": ..., "until": ...} or null')
    secret = unkeyed.get("secret")
    if secret is not None and (not isinstance(secret, str) or weakness(secret)):
        raise ConfigError("keyring: the unkeyed secret (the old JWT_SECRET_KEY) refused: "
                          f"{weakness(secret) if isinstance(secret, str) else 'not text'}")
    return Keyring(tuple(keys), secret, parse_time(unkeyed.get("until"), "unkeyed.until"))


def usable_es256(pem: str) -> bool:
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        return False
    return isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"


class KeyringFile:
    """The keyring at a path: read again whenever the file changes (so every worker sees an
    operator's step on its next request), written atomically, one writer at a time."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._seen: tuple[int, int, int] | None = None
        self._ring: Keyring | None = None

    def ring(self) -> Keyring:
        try:
            info = self.path.stat()
            seen = (info.st_ino, info.st_mtime_ns, info.st_size)
            if seen == self._seen and self._ring is not None:
                return self._ring
            self._seen = seen
            self._ring = read(self.path)
        except (ConfigError, FileNotFoundError) as e:
            reason = str(e) if isinstance(e, ConfigError) else f"{self.path} not found"
            if self._ring is None and self.last_good.exists():
                self._ring = read(self.last_good)  # a new worker: the keys command's last
            if self._ring is None:
                raise ConfigError(f"{reason}: create the keyring with "
                                  "`python -m shared keys init`") from None
            # Edited by hand into something wrong, or moved away, while running: keep signing
            # with the last good keyring (never a 500 for every request), and say so.
            log_event("key_change", "keyring", level=logging.ERROR, step="refused",
                      reason=f"{reason}: the last good keyring stays")
        return self._ring

    @property
    def last_good(self) -> Path:
        """The keys command's last write: what a new worker starts from when the keyring was
        edited by hand into something unusable (gunicorn replaces workers as it runs)."""
        return self.path.with_name(f".{self.path.name}.last-good")

    def write(self, ring: Keyring) -> None:
        for target in (self.last_good, self.path):
            temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                json.dump(ring.to_json(), f, indent=1)
            os.replace(temporary, target)  # readers see the old file or the new, never half

    @contextmanager
    def locked(self) -> Iterator[None]:
        with open(self.path.with_name(f".{self.path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


def read(path: Path) -> Keyring:
    try:
        document = json.loads(path.read_text())
    except (ValueError, OSError) as e:  # UnicodeDecodeError is a ValueError
        raise ConfigError(f"keyring {path} is not JSON: {e}") from None
    return parse(document)


def new_key(alg: str, kid: str | None = None, state: str = "next",
            secret: str | None = None) -> SigningKey:
    if alg not in ALGORITHMS:
        raise KeyringError(f"alg must be one of {', '.join(ALGORITHMS)}")
    if secret is None and alg == "HS256":
        secret = secrets.token_hex(32)
    elif secret is None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        private = ec.generate_private_key(ec.SECP256R1())
        secret = private.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()).decode()
    kid = kid or f"k{now():%Y%m%d}-{secrets.token_hex(3)}"
    return SigningKey(kid, alg, state, secret, now(),
                      promoted=now() if state == "current" else None)


# --- the operator's steps: each returns the new keyring and what it did ---------------------

def init(legacy_secret: str, alg: str, unkeyed_days: float) -> tuple[Keyring, str]:
    if not legacy_secret:
        raise KeyringError("JWT_SECRET_KEY is not set: set it to the secret the app signs with "
                           "now (in dev mode: the contents of instance/v2-jwt-secret), so that "
                           "tokens signed before the keyring keep working")
    if reason := weakness(legacy_secret):
        raise KeyringError(f"JWT_SECRET_KEY refused: {reason}")
    if not 0 <= unkeyed_days <= 3650:  # also refuses nan
        raise KeyringError("--unkeyed-days must be between 0 and 3650")
    first = new_key(alg, state="current")
    until = now() + timedelta(days=unkeyed_days)
    return (Keyring((first,), legacy_secret, until),
            f"created the keyring: {first.kid} ({alg}) signs from now on; tokens without a kid "
            f"(signed with JWT_SECRET_KEY) verify until {stamp(until)}")


def add(ring: Keyring, alg: str) -> tuple[Keyring, str]:
    key = new_key(alg)
    wait = f"; promote it after {stamp(key.added + publish_window())}" if key.published else ""
    return (replace(ring, keys=(*ring.keys, key)),
            f"added {key.kid} ({alg}), state next: it verifies, signs nothing yet{wait}")


def promote(ring: Keyring, kid: str, force: bool = False) -> tuple[Keyring, str]:
    key = ring.find(kid)
    if key is None or key.state != "next":
        raise KeyringError(f"{kid} is not a next key (see `keys list`): add one first")
    ready = key.added + publish_window()
    if key.published and now() < ready and not force:
        raise KeyringError(f"{kid} was published at {stamp(key.added)}: verifiers may not have "
                           f"it before {stamp(ready)} (their cache window), and would refuse "
                           "its tokens. Wait, or --force.")
    old = ring.current()
    if old.published and not key.published and not force:
        raise KeyringError(f"{old.kid} ({old.alg}) is published for other services; {kid} "
                           f"({key.alg}) is a shared secret they cannot verify: from now on "
                           "they would refuse every new token. Add an ES256 key instead, or "
                           "--force.")
    keys = tuple(replace(k, state="current", promoted=now()) if k.kid == kid else
                 replace(k, state="previous", demoted=now()) if k.kid == old.kid else k
                 for k in ring.keys)
    return (replace(ring, keys=keys),
            f"{kid} signs from now on; {old.kid} is previous: it still verifies what it signed")


def retire(ring: Keyring, kid: str, force: bool = False) -> tuple[Keyring, str]:
    key = ring.find(kid)
    if key is None or key.state == "retired":
        raise KeyringError(f"{kid} is not in the keyring, or is retired already")
    if key.state == "current":
        raise KeyringError(f"{kid} signs every new token: promote another key first")
    if key.state == "previous" and key.demoted is not None:
        alive_until = key.demoted + LONGEST_TOKEN
        if now() < alive_until and not force:
            raise KeyringError(f"{kid} signed tokens until {stamp(key.demoted)}; the longest of "
                               f"them (a refresh token) lives until {stamp(alive_until)}. "
                               "Retiring it now logs those users out: wait, or --force.")
    keys = tuple(replace(k, state="retired") if k.kid == kid else k for k in ring.keys)
    return replace(ring, keys=keys), f"{kid} retired: tokens it signed are refused from now on"


def end_unkeyed(ring: Keyring, force: bool = False) -> tuple[Keyring, str]:
    if not ring.accepts_unkeyed():
        raise KeyringError("tokens without a kid are refused already")
    if not force:
        raise KeyringError(f"tokens from before the keyring verify until "
                           f"{stamp(ring.unkeyed_until)}; ending that now logs their users out: "
                           "wait, or --force.")
    # The old secret leaves the file too: it signs and verifies nothing any more.
    return (replace(ring, unkeyed_secret=None, unkeyed_until=None),
            "tokens without a kid are refused from now on (their users log in again)")


def listing(ring: Keyring) -> str:
    rows = [f"{'kid':<20} {'alg':<6} {'state':<9} {'added':<26} {'signed until':<26}"]
    for k in ring.keys:
        signed = stamp(k.demoted) if k.demoted else ("now" if k.state == "current" else "-")
        rows.append(f"{k.kid:<20} {k.alg:<6} {k.state:<9} {stamp(k.added):<26} {signed:<26}")
    if ring.accepts_unkeyed():
        rows.append(f"tokens without a kid verify until {stamp(ring.unkeyed_until)}")
    return "\n".join(rows)
