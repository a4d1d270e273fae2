"""The "refresh" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


def _refresh(w: World, me: AppClient, use_access: bool = False) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    token = tokens.access if use_access or tokens.refresh is None else tokens.refresh
    return me.request("POST", "/refresh", token=token)


@scenario("refresh", "refresh", "Get a new access token with the refresh token",
          v1=answer(404, "not_found"), v2=answer(200), verdict="v2_only",
          reason="Flask-JWT has no refresh tokens: a v1 client logs in again",
          lesson="The new access token is not fresh.")
def _(w: World, me: AppClient) -> Exchange:
    return _refresh(w, me)


@scenario("access_at_refresh", "refresh", "Send an access token to /refresh",
          v1=answer(404, "not_found"), v2=answer(401, "invalid_token"), verdict="v2_only",
          reason="no /refresh in v1", lesson="Token types are not interchangeable.")
def _(w: World, me: AppClient) -> Exchange:
    return _refresh(w, me, use_access=True)


@scenario("refresh_as_access", "refresh", "Use a refresh token to read an item",
          v1=None, v2=answer(401, "invalid_token"), verdict="v2_only",
          reason="v1 issues no refresh tokens",
          lesson="A 30-day refresh token must never work as an access token.")
def _(w: World, me: AppClient) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    return me.request("GET", "/item/anything", token=tokens.refresh)
