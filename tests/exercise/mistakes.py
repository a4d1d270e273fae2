"""Mistakes learners really make in this migration, seeded into a copy of the reference v2:
each must lose exactly the chapters that teach it (tests/exercise/test_grading.py)."""

from dataclasses import dataclass
from pathlib import Path

from sidebyside.exercise.starters import copy_package
from sidebyside.servers import APPS, REPO


@dataclass(frozen=True)
class Mistake:
    key: str
    file: str  # in the package
    right: str
    wrong: str
    loses: frozenset[str]  # the chapters it must lose, in the visible grade


MISTAKES = [
    Mistake("fresh_dropped_from_item_write", "resources/item.py",
            "@jwt_required(fresh=True)\n", "@jwt_required()\n", frozenset({"freshness"})),
    # The course's own slip: PyJWT >= 2.10 refuses a non-string sub wherever the token is
    # read, the login's own get_jti included, so the first chapter lost is "log in".
    Mistake("int_identity", "app.py", "return str(user.id)", "return user.id",
            frozenset({"log in", "protected call", "claims", "optional JWT", "refresh", "freshness",
                       "error callbacks", "logout", "cross-app store"})),
    Mistake("jwt_header_type_kept", "app.py", "    jwt = JWTManager(app)",
            '    app.config["JWT_HEADER_TYPE"] = "JWT"  # as Flask-JWT had it\n'
            "    jwt = JWTManager(app)",
            # Every request that sends a token says Bearer: the first chapter lost is the
            # one that teaches the header.
            frozenset({"protected call", "claims", "optional JWT", "refresh", "freshness",
                       "error callbacks", "logout", "cross-app store"})),
    Mistake("logout_revokes_only_the_access_token", "blocklist.py",
            '    if "refresh_jti" in payload:', '    if False:  # the course revoked one token',
            frozenset({"logout"})),
    Mistake("admin_flag_read_from_the_store", "resources/item.py",
            'if get_jwt().get("is_admin") is not True:',
            "if not current_store.get_user(int(get_jwt_identity())).is_admin:",
            frozenset({"cross-app store"})),
]


def reference_copy(target: Path, package: str = "my_api") -> Path:
    """The reference v2 under the learner's package name, in `target`."""
    copy_package(REPO / APPS["v2"], target / package, lambda text, _where: text)
    return target


def seeded(mistake: Mistake, target: Path) -> Path:
    folder = reference_copy(target)
    path = folder / "my_api" / mistake.file
    text = path.read_text()
    if text.count(mistake.right) != 1:
        raise AssertionError(f"{mistake.key}: {mistake.right!r} not once in {mistake.file}")
    path.write_text(text.replace(mistake.right, mistake.wrong))
    return folder
