"""Password hashing: argon2id with the OWASP minimum (m=19 MiB, t=2, p=1).

Why not Werkzeug's generate_password_hash: argon2id is OWASP's first choice, Werkzeug 3's
default (scrypt:32768:8:1) sits below OWASP's scrypt parameters, and this package imports no
Werkzeug at all. (Not because the legacy stack could not read scrypt: it runs Werkzeug 3.1
too, tests/v1/test_fact_check.py::test_the_v1_stacks_werkzeug_reads_werkzeug_3s_scrypt_hashes.)
"""

import unicodedata
from typing import TypedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class HashParameters(TypedDict):
    time_cost: int
    memory_cost: int  # KiB
    parallelism: int


OWASP_MINIMUM = HashParameters(time_cost=2, memory_cost=19456, parallelism=1)
# Tests only: a fraction of a millisecond per hash, so that hundreds of registrations stay fast.
TEST_ONLY_CHEAP = HashParameters(time_cost=1, memory_cost=64, parallelism=1)


class Passwords:
    def __init__(self, cheap_for_tests: bool = False):
        self.hasher = PasswordHasher(**(TEST_ONLY_CHEAP if cheap_for_tests else OWASP_MINIMUM))
        # Made now, not on first use: else the first unknown-user login would cost two hashes.
        self._dummy_hash = self.hasher.hash("not a real password, only for timing")

    def hash(self, password: str) -> str:
        return self.hasher.hash(normalized(password))

    def check(self, password_hash: str, password: str) -> tuple[bool, bool]:
        """(whether the password is right, whether to store a new hash of it).

        The NFKC form is checked first. A hash made before passwords were normalized, from a
        password that NFKC changes, is still accepted once, and replaced (rehash)."""
        normal = normalized(password)
        if self._verify(password_hash, normal):
            return True, self.needs_rehash(password_hash)
        if normal != password and self._verify(password_hash, password):
            return True, True
        return False, False

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            # A wrong password, or a hash this hasher cannot read: both are "no", never a 500.
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True

    def burn_time(self, password: str) -> None:
        """Spend what a wrong password costs (check() verifies twice when NFKC changes the
        password), so an unknown username answers as slowly as a wrong password (no user
        enumeration by timing)."""
        normal = normalized(password)
        self._verify(self._dummy_hash, normal)
        if normal != password:
            self._verify(self._dummy_hash, password)


def normalized(password: str) -> str:
    """NIST SP 800-63B 5.1.1.2: the same password typed on another keyboard or OS (composed or
    decomposed accents, full-width forms) is the same password."""
    return unicodedata.normalize("NFKC", password)
