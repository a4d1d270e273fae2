"""Exercise mode: a learner does the migration, the parity catalogue grades it.

`make exercise` writes the starters (starters.py), `make grade` grades one (grade.py), with
the held-out cases of hidden.py under `--hidden`; results.py writes what graders read.
"""

# Where each chapter is taught in migration_notes.md (a test checks these headings exist).
NOTES_SECTION = {
    "register": "## The migration, one hunk family at a time",
    "log in": "### 2. `authenticate()` and `POST /auth` → your own `POST /login`",
    "protected call": "### 3. `identity(payload)` → `user_identity_loader` + `user_lookup_loader`",
    "claims": "### 6. Claims: the admin flag travels in the token",
    "optional JWT": "### 7. Optional JWT: `identity_if_token()` → `@jwt_required(optional=True)`",
    "refresh": "### 8. New in v2: refresh, freshness, logout",
    "freshness": "### 8. New in v2: refresh, freshness, logout",
    "error callbacks": "### 5. Errors: one `jwt_error_handler` → one loader per error",
    "logout": "### 8. New in v2: refresh, freshness, logout",
    "account safety": "### 9. Both apps: a token names one account, as it is now",
    "cross-app store": "### 9. Both apps: a token names one account, as it is now",
}

# The learner's package name in both starters: `python -m my_api` serves it.
PACKAGE = "my_api"


def notes_section(chapter: str) -> str:
    """The heading to read, as a learner finds it: `migration_notes.md, "6. Claims: …"`."""
    return f'migration_notes.md, "{NOTES_SECTION[chapter].lstrip("# ")}"'
