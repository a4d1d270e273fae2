"""The current stack's rows of the notes' "Why migrate?" table, checked in .venv-v2."""

import jwt
import pytest

from tests.contract.conftest import Api
from tests.why_migrate import pinned, stale_rows

KEY = "k" * 32


def test_the_current_table_names_the_installed_versions():
    assert set(pinned("v2")) >= {"PyJWT", "Flask", "Flask-JWT-Extended", "Werkzeug"}
    assert stale_rows("v2") == []


@pytest.mark.parametrize("junk", ["!!", "==", "~~~~"])
def test_pyjwt_2_refuses_junk_after_the_signature(junk):
    token = jwt.encode({"sub": "1"}, KEY, algorithm="HS256")
    with pytest.raises(jwt.DecodeError):
        jwt.decode(token + junk, KEY, algorithms=["HS256"])


def test_pyjwt_2_refuses_an_unknown_crit_header():
    token = jwt.encode({"sub": "1"}, KEY, algorithm="HS256", headers={"crit": ["x-unknown"]})
    with pytest.raises(jwt.InvalidTokenError, match="Unsupported critical extension"):
        jwt.decode(token, KEY, algorithms=["HS256"])


def test_a_token_with_junk_after_its_signature_is_refused_before_and_after_logout(api: Api):
    _, token = api.user_token()
    altered = token + "!!"
    assert api.call("GET", "/items", token=altered).status_code == 401
    assert api.call("POST", "/logout", token=altered).status_code == 401  # cannot log out...
    assert api.call("GET", "/items", token=token).status_code == 200  # ...someone else's login
    assert api.call("POST", "/logout", token=token).status_code == 200
    for sent in (token, altered):
        answer = api.call("GET", "/items", token=sent)
        assert answer.status_code == 401, answer.get_json()
    assert api.call("GET", "/items", token=token).get_json()["error"] == "token_revoked"
