"""Issue 24's fixes, in each app (v1 in .venv-v1, v2 in .venv-v2): settings refused at start,
error_description only from our vocabulary, passwords in every Unicode form, the address a
request comes from. The live attacks are tests/security/test_hostile_input.py and
test_live_races.py; the store's races tests/shared/test_races.py."""

import re

import pytest
from sqlalchemy import select, update

from api_common.errors import TOKEN_DESCRIPTIONS
from shared import ConfigError
from shared.models import LoginFailure, User
from sidebyside.tokens import hs256
from tests.contract.conftest import LOGIN_PATH, PASSWORD, Api, make_app
from tests.contract.test_contract import claims_for


@pytest.mark.parametrize("proxies", [-1, 11, "2", 1.5, None])
def test_an_impossible_trusted_proxies_setting_refuses_to_start(db_url, secret_key, proxies):
    """W12: -1 was accepted and failed on every request behind ProxyFix (IndexError)."""
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        make_app(db_url, secret_key, TRUSTED_PROXIES=proxies)


@pytest.mark.parametrize("proxies", [0, 1, 2, 10])
def test_a_possible_one_starts(db_url, secret_key, proxies):
    assert make_app(db_url, secret_key, TRUSTED_PROXIES=proxies)


def failures_by_address(api: Api) -> dict[str, int]:
    with api.store.session() as s:
        return {row.client: row.count for row in s.scalars(
            select(LoginFailure).where(LoginFailure.username_key == ""))}


def test_two_proxies_trusted_means_the_second_address_from_the_right(db_url, secret_key):
    """Behind a CDN and a proxy of ours, the client is the second-to-last X-Forwarded-For
    entry; what an attacker prepends is never believed."""
    api = Api(app := make_app(db_url, secret_key, TRUSTED_PROXIES=2), app.test_client(),
              secret_key)
    name, _ = api.register()
    forwarded = "6.6.6.6, 2001:DB8::0:1, 192.0.2.9"  # forged, client, the CDN
    api.call("POST", LOGIN_PATH, json={"username": name, "password": "wrong password"},
             headers={"X-Forwarded-For": forwarded})
    assert failures_by_address(api) == {"2001:db8::/64": 1}


def test_without_a_trusted_proxy_x_forwarded_for_is_never_believed(api: Api):
    """Rotating the header must not spread an attacker's failures over invented addresses."""
    name, _ = api.register()
    for i in range(3):
        api.call("POST", LOGIN_PATH, json={"username": name, "password": "wrong password"},
                 headers={"X-Forwarded-For": f"198.51.100.{i}"})
    assert failures_by_address(api) == {"127.0.0.1": 3}


def test_error_description_comes_from_our_vocabulary_only(api: Api):
    """W3: the description was the message, which quotes the library, which quotes the
    token. Now each code has one fixed text in RFC 6750's characters."""
    user_id, _ = api.user_token()
    forged = hs256(claims_for(api, user_id), "not the key, but long enough for HS256 !!")
    crit = hs256(claims_for(api, user_id), "k" * 32, crit=["a\r\nX-Injected: yes"])
    for token in (forged, crit, "a.b.c", "\u00e9" * 10):
        answer = api.call("GET", f"/user/{user_id}", token=token)
        assert answer.status_code == 401
        challenge = answer.headers["WWW-Authenticate"]
        description = re.search(r'error_description="([^"]*)"', challenge).group(1)
        assert description == TOKEN_DESCRIPTIONS[answer.get_json()["error"]]
        assert "X-Injected" not in challenge


def test_a_password_stored_before_normalization_still_logs_in_once_then_is_rehashed(api: Api):
    """Passwords are NFKC-normalized now; a hash made earlier from a form that NFKC changes
    ('ﬁ' is 'fi') still matches, and is replaced by the hash of the normalized form."""
    name, user_id = api.register()
    typed = "\ufb01ne password"
    raw_hash = api.store.passwords.hasher.hash(typed)  # as the store hashed it before
    with api.store.session.begin() as s:
        s.execute(update(User).where(User.id == user_id).values(password_hash=raw_hash))
    assert api.call("POST", LOGIN_PATH, json={"username": name, "password": typed}
                    ).status_code == 200
    with api.store.session() as s:
        rehashed = s.scalar(select(User.password_hash).where(User.id == user_id))
    assert rehashed != raw_hash
    assert api.store.passwords.check(rehashed, "fine password") == (True, False)
    assert api.call("POST", LOGIN_PATH, json={"username": name, "password": "fine password"}
                    ).status_code == 200
    assert api.call("POST", LOGIN_PATH, json={"username": name, "password": PASSWORD}
                    ).status_code == 401


# --- issue 34: what the suite let through ----------------------------------------------

SAFETY_SETTINGS = ("LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES_PER_CLIENT",
                   "LOGIN_FAILURE_WINDOW_SECONDS", "REGISTER_MAX_PER_CLIENT", "TRUSTED_PROXIES")


def test_the_safety_settings_default_to_their_documented_values(db_url, secret_key,
                                                                monkeypatch):
    """Defaults by their value: a window of 90 s instead of 15 min made throttling ten times
    weaker, and nothing noticed."""
    for name in SAFETY_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    app = make_app(db_url, secret_key)
    assert {name: app.config[name] for name in SAFETY_SETTINGS} == {
        "LOGIN_MAX_FAILURES": 10, "LOGIN_MAX_FAILURES_PER_CLIENT": 100,
        "LOGIN_FAILURE_WINDOW_SECONDS": 900, "REGISTER_MAX_PER_CLIENT": 50,
        "TRUSTED_PROXIES": 0}
    throttle = app.extensions["store"].throttle
    assert (throttle.per_account, throttle.window.total_seconds(), throttle.caps) == (
        10, 900, {"": 100, " register": 50})


def test_a_revoked_token_is_an_invalid_token_challenge_too(api: Api):
    """RFC 6750 §3.1: a revoked token is error="invalid_token" in the challenge, as every
    token problem is."""
    name, user_id = api.register()
    old = api.login(name)
    body = {"old_password": PASSWORD, "new_password": "a newer password"}
    assert api.call("PUT", f"/user/{user_id}/password", token=api.login(name),
                    json=body).status_code == 200
    answer = api.call("GET", f"/user/{user_id}", token=old)
    assert answer.get_json()["error"] == "token_revoked"
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
