"""The "optional JWT" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("items_anonymous", "optional JWT", "List items without a token", v1=answer(200),
          v2=answer(200), lesson="Anonymous callers get names only and 'More data available if "
                            "you log in.'; v2 uses jwt_required(optional=True).")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/items")


@scenario("items_with_token", "optional JWT", "List items with a token",
          v1=answer(200), v2=answer(200))
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("GET", "/items", token=token)


@scenario("items_invalid_token", "optional JWT", "List items with an invalid token",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Optional means 'no token is fine', not 'a bad token is ignored'.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/items", token="not.a.token")
