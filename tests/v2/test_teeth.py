"""Tests written to kill mutants that survived the suite (issue 18): each guards one line whose
sabotage nothing else noticed. tests/mutants/catalogue.py names the mutant each one kills."""

import re
import time

import pytest

from sidebyside.tokens import hs256, sign, v2_claims
from tests.contract.conftest import PASSWORD, Api, make_app
from tests.v2.test_v2 import err, login


def test_a_logged_out_refresh_token_stays_revoked_after_its_access_token_expires_and_a_prune(
        db_url, secret_key):
    """The refresh token's blocklist entry must live as long as the refresh token, not the
    access token: else a later prune (any other logout) brings it back to life."""
    from datetime import timedelta

    # exp is whole seconds (truncated): a 1 s token may be expired 10 ms after login, so the
    # lifetime leaves a loaded machine room for login and logout.
    app = make_app(db_url, secret_key, JWT_ACCESS_TOKEN_EXPIRES=timedelta(seconds=5),
                   JWT_REFRESH_TOKEN_EXPIRES=timedelta(seconds=120))
    api = Api(app, app.test_client(), secret_key)
    erin, _ = api.register()
    tokens = login(api, erin)
    assert api.call("POST", "/logout", token=tokens["access_token"]).status_code == 200
    time.sleep(6.2)  # the access token and its entry are past their expiry
    other, _ = api.register()
    assert api.call("POST", "/logout", token=login(api, other)["access_token"]).status_code == 200
    assert err(api.call("POST", "/refresh", token=tokens["refresh_token"])) == (
        401, "token_revoked")


def test_a_quote_in_an_error_cannot_inject_a_challenge_parameter(api: Api):
    user_id, _ = api.user_token()
    claims = v2_claims(str(user_id))
    token = sign({"alg": "HS256", "typ": "JWT", "crit": ['x", error="forged']}, claims,
                 api.secret)
    answer = api.call("GET", "/items", token=token)
    challenge = answer.headers["WWW-Authenticate"]
    # RFC 7235 auth-params: name=token or name="quoted string"; a bare quote in the text would
    # end the quoted string early and let the rest read as a second error= parameter.
    names = re.findall(r'(\w+)=(?:"(?:[^"\\]|\\.)*"|[^,\s]*)', challenge.partition(" ")[2])
    assert answer.status_code == 401 and names == ["realm", "error", "error_description"], \
        challenge


@pytest.mark.parametrize("is_admin", [None, "true", 1, "yes", [True]])
def test_only_a_boolean_true_is_admin_claim_deletes(api: Api, is_admin):
    user_id, _ = api.user_token()
    api.store.create_item("chair", 1)
    claims = v2_claims(str(user_id), fresh=True, jti=f"j-{is_admin!r}")
    if is_admin is None:
        claims.pop("is_admin", None)
    else:
        claims["is_admin"] = is_admin
    answer = api.call("DELETE", "/item/chair", token=hs256(claims, api.secret))
    assert err(answer) == (403, "admin_required")
    assert api.store.get_item("chair") is not None


def test_a_short_wrong_password_at_login_is_invalid_credentials_not_a_400(api: Api):
    """Login checks only the shape: accounts with passwords from an older, shorter policy
    must still be able to log in (and get 401 when wrong, like everyone else)."""
    name, _ = api.register()
    answer = api.call("POST", "/login", json={"username": name, "password": "short"})
    assert err(answer) == (401, "invalid_credentials")
    assert api.login(name, PASSWORD)
