"""The scenario catalogue, in teaching order: one module per chapter (the chapters of the
demo and the parity matrix). Importing the package registers every scenario in CATALOGUE, in
the order of CHAPTERS."""

import importlib

from sidebyside.scenarios.base import (
    ATTACKER_ADDRESS,
    CATALOGUE,
    CHAPTERS,
    PASSWORD,
    VERDICTS,
    Outcome,
    Scenario,
    User,
    World,
    observed_verdict,
    run,
)

# Each module adds its chapter's scenarios to CATALOGUE as it is imported, so the order here
# is the teaching order (the same as CHAPTERS).
CHAPTER_MODULES = ["register", "login", "protected_call", "claims", "optional_jwt", "refresh",
                   "freshness", "error_callbacks", "logout", "account_safety",
                   "cross_app_store"]
for _module in CHAPTER_MODULES:
    importlib.import_module(f"sidebyside.scenarios.{_module}")

__all__ = ["ATTACKER_ADDRESS", "CATALOGUE", "CHAPTERS", "PASSWORD", "VERDICTS", "Outcome",
           "Scenario", "User", "World", "observed_verdict", "run"]
