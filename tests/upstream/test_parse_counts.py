"""upstream/count.py: how often each library parses the token of one protected request of
the v2 app, stock and patched, and from where (the numbers of the notes' Appendix B)."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.upstream.conftest import ask
from upstream.envs import REPO


def counts(python: Path, keyring: bool = False) -> dict:
    got = ask(python, "upstream.count", "--json", "--no-timings", "--requests", "5",
              *(["--keyring"] if keyring else []))["counts"]
    assert got["decode_key_loader"] == keyring
    return got


def sites(got: dict) -> set[tuple[str, str]]:
    """(event, 'file function -> jwt.api') without line numbers."""
    found = set()
    for site in got["sites"]:
        where, _, api = site["site"].partition(" -> ")
        path, function = where.split(" ", 1)
        found.add((site["event"], f"{path.rsplit(':', 1)[0]} {function} -> {api}"))
    return found


@pytest.mark.parametrize("keyring", [False, True], ids=["one secret", "keyring"])
def test_stock_flask_jwt_extended_parses_the_token_four_times_per_request(environments,
                                                                          keyring):
    got = counts(environments["stock"], keyring)
    assert got["per_request"] == {"split": 4, "base64-decode": 12, "JSON-parse header": 4,
                                  "JSON-parse payload": 2, "verify": 1}
    assert {site for event, site in sites(got) if event == "split"} == {
        "flask_jwt_extended/jwt_manager.py _decode_jwt_from_config -> jwt.decode",
        "flask_jwt_extended/jwt_manager.py _decode_jwt_from_config -> jwt.get_unverified_header",
        "flask_jwt_extended/tokens.py _decode_jwt -> jwt.decode",
        "flask_jwt_extended/utils.py get_unverified_jwt_headers -> jwt.get_unverified_header",
    }
    assert got["app_prechecks_per_request"] == 1  # the app's own size check, not a parse


VERIFIED = "flask_jwt_extended/tokens.py _decode_jwt -> jwt.decode_complete"
FOR_THE_LOADER = ("flask_jwt_extended/jwt_manager.py _decode_complete_jwt_from_config "
                  "-> jwt.decode_complete")


@pytest.mark.parametrize("variant", ["patched-fje", "patched-fje-pyjwt"])
def test_patched_flask_jwt_extended_parses_it_once_and_verifies_it_once(environments,
                                                                        variant):
    got = counts(environments[variant])
    assert got["per_request"] == {"split": 1, "base64-decode": 3, "JSON-parse header": 1,
                                  "JSON-parse payload": 1, "verify": 1}
    assert {site for _, site in sites(got)} == {VERIFIED}


def test_with_a_keyring_patched_flask_jwt_extended_parses_it_twice(environments):
    """Key rotation registers a decode_key_loader, which needs the unverified header and
    claims to pick the key: one unverified parse for it, then the verified one (4.7.4: 4)."""
    got = counts(environments["patched-fje"], keyring=True)
    assert got["per_request"] == {"split": 2, "base64-decode": 6, "JSON-parse header": 2,
                                  "JSON-parse payload": 2, "verify": 1}
    assert {site for _, site in sites(got)} == {VERIFIED, FOR_THE_LOADER}


def test_the_counter_refuses_to_run_in_a_project_environment():
    """It instruments the libraries of the interpreter that runs it: never a .venv-*."""
    done = subprocess.run([sys.executable, "-m", "upstream.count", "--no-timings"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "throwaway environment" in done.stderr
