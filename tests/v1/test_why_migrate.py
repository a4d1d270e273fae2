"""The legacy stack's rows of the notes' "Why migrate?" table, checked in .venv-v1."""

import jwt
import pytest

from tests.why_migrate import pinned, stale_rows

KEY = "k" * 32


def test_the_legacy_table_names_the_installed_versions():
    assert set(pinned("v1")) >= {"PyJWT", "Flask", "Flask-JWT", "Flask-RESTful"}
    assert stale_rows("v1") == []


@pytest.mark.parametrize("junk", ["!!", "==", "~~~~"])
def test_pyjwt_1_7_accepts_junk_after_the_signature(junk):
    """GHSA-hxm8-2xgr-2p9m: a different string, the same token to PyJWT 1.7.1."""
    token = jwt.encode({"identity": 1}, KEY, algorithm="HS256").decode()
    assert jwt.decode(token + junk, KEY, algorithms=["HS256"]) == {"identity": 1}


def test_pyjwt_1_7_ignores_an_unknown_crit_header():
    """GHSA-752w-5fwx-jx9f: RFC 7515 says a token with an unknown crit must be refused."""
    token = jwt.encode({"identity": 1}, KEY, algorithm="HS256",
                       headers={"crit": ["x-unknown"]}).decode()
    assert jwt.decode(token, KEY, algorithms=["HS256"]) == {"identity": 1}
