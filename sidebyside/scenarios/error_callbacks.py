"""The "error callbacks" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("garbage_token", "error callbacks", "A token that is not a JWT",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Flask-JWT-Extended says 422 by default; invalid_token_loader makes it 401.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything", token="garbage")


@scenario("whitespace_header", "error callbacks", "An Authorization header of spaces",
          v1=answer(401, "authorization_required"), v2=answer(401, "authorization_required"),
          lesson="Flask-JWT's own header parser crashed (500) here.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything", headers={"Authorization": "   "})


@scenario("tampered_token", "error callbacks", "Change the user in a token, keep the signature",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    victim = w.register(me)
    token = me.tokens(w.register(me).name, PASSWORD).access
    header, _, signature = token.split(".")
    forged_payload = me.forge(me.claims(victim.id)).split(".")[1]
    return me.request("GET", "/item/anything", token=f"{header}.{forged_payload}.{signature}")


@scenario("alg_none", "error callbacks", "An unsigned token (alg: none)",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    from sidebyside.tokens import segment

    user = w.register(me)
    token = f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(me.claims(user.id))}."
    return me.request("GET", "/item/anything", token=token)


@scenario("expired_outside_leeway", "error callbacks", "A token expired a minute ago",
          v1=answer(401, "token_expired"), v2=answer(401, "token_expired"))
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.request("GET", "/item/anything",
                      token=me.forge(me.claims(user.id, age=360, lifetime=300)))


@scenario("expired_inside_leeway", "error callbacks", "A token expired 5 seconds ago",
          v1=answer(200), v2=answer(401, "token_expired"), verdict="differs",
          reason="Flask-JWT allows 10 s of clock leeway (JWT_LEEWAY); Flask-JWT-Extended "
                 "none (JWT_DECODE_LEEWAY=0)",
          lesson="Set JWT_DECODE_LEEWAY if your clients' clocks drift.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.request("GET", f"/item/{w.stock_item()}",
                      token=me.forge(me.claims(user.id, age=305, lifetime=300)))


@scenario("not_yet_valid", "error callbacks", "A token whose nbf is an hour away",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    claims = me.claims(user.id)
    claims["nbf"] += 3600
    return me.request("GET", "/item/anything", token=me.forge(claims))


@scenario("other_apps_token", "error callbacks", "A token issued by the other app",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Each app has its own secret: no cross-app token, and no 500 either.")
def _(w: World, me: AppClient) -> Exchange:
    other = w.other(me)
    token = other.tokens(w.register(other).name, PASSWORD).access
    return me.request("GET", "/item/anything", token=token)
