"""The "account safety" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import (
    ATTACKER_ADDRESS,
    PASSWORD,
    World,
    answer,
    non_fresh_token,
    scenario,
)

NEW_PASSWORD = "another horse battery"


@scenario("password_change", "account safety", "Change your password",
          v1=answer(200), v2=answer(200),
          lesson="PUT /user/<id>/password ends every session: tokens older than the change die.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    return me.change_password(user.id, token, PASSWORD, NEW_PASSWORD)


def _after_password_change(w: World, me: AppClient, use_refresh: bool = False) -> Exchange:
    user = w.register(me)
    tokens = me.tokens(user.name, PASSWORD)
    me.change_password(user.id, tokens.access, PASSWORD, NEW_PASSWORD)
    if use_refresh:
        return me.request("POST", "/refresh", token=tokens.refresh)
    return me.request("GET", f"/user/{user.id}", token=tokens.access)


@scenario("token_after_password_change", "account safety",
          "Use a token issued before the password changed",
          v1=answer(401, "token_revoked"), v2=answer(401, "token_revoked"),
          lesson="Each token carries iat to the microsecond; each account, when its password "
                 "last changed: an older token is refused, with no row per token.",
          points=2)
def _(w: World, me: AppClient) -> Exchange:
    return _after_password_change(w, me)


@scenario("refresh_after_password_change", "account safety",
          "Refresh with a refresh token issued before the password changed",
          v1=None, v2=answer(401, "token_revoked"), verdict="v2_only",
          reason="v1 issues no refresh tokens",
          lesson="A stolen 30-day refresh token dies with the password change too.")
def _(w: World, me: AppClient) -> Exchange:
    return _after_password_change(w, me, use_refresh=True)


@scenario("password_change_wrong_old", "account safety",
          "Change the password with a wrong old password",
          v1=answer(401, "invalid_credentials"), v2=answer(401, "invalid_credentials"),
          lesson="It counts as a failed login: a stolen token cannot guess the password.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    return me.change_password(user.id, token, "not the password", NEW_PASSWORD)


@scenario("password_change_other_user", "account safety",
          "Change somebody else's password",
          v1=answer(403, "not_allowed"), v2=answer(403, "not_allowed"))
def _(w: World, me: AppClient) -> Exchange:
    victim, user = w.register(me), w.register(me, admin=True)
    token = me.tokens(user.name, PASSWORD).access
    return me.change_password(victim.id, token, PASSWORD, NEW_PASSWORD)


@scenario("password_change_non_fresh", "account safety",
          "Change the password with a refreshed (non-fresh) token",
          v1=answer(200), v2=answer(401, "fresh_token_required"), verdict="differs",
          reason="Flask-JWT has no freshness",
          lesson="v2 asks for a password typed just now before it changes the password.")
def _(w: World, me: AppClient) -> Exchange:
    user, token = non_fresh_token(w, me)
    return me.change_password(user.id, token, PASSWORD, NEW_PASSWORD)


@scenario("token_after_reregistration", "account safety",
          "A deleted user's token, after somebody new registers",
          v1=answer(401, "user_not_found"), v2=answer(401, "user_not_found"),
          lesson="Ids are never reused (AUTOINCREMENT), and a token older than its account "
                 "is refused anyway: an old token can never name the next user.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    me.request("DELETE", f"/user/{user.id}", token=token)
    w.register(me, admin=True)
    return me.request("GET", f"/user/{user.id}", token=token)


@scenario("throttle_other_address", "account safety",
          "Log in from your address after 10 failures from another one",
          v1=answer(200), v2=answer(200),
          lesson="Failures count per (account, address): a stranger cannot lock you out.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    attacker = me.from_address(ATTACKER_ADDRESS)
    for _ in range(10):
        attacker.login(user.name, "wrong password")
    if attacker.login(user.name, PASSWORD).status != 429:
        raise AssertionError("the attacking address was not throttled")
    return me.login(user.name, PASSWORD)


@scenario("public_signing_keys", "account safety",
          "Fetch the public keys that verify the app's tokens (/.well-known/jwks.json)",
          v1=answer(404, "not_found"), v2=answer(200), verdict="differs",
          reason="Flask-JWT signs with one secret and has no key hook: no kid, no rotation "
                 "without logging everyone out, nothing to publish; v2 rotates a keyring "
                 "(JWT_KEYRING) and publishes its ES256 keys")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/.well-known/jwks.json")
