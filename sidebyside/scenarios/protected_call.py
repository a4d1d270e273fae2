"""The "protected call" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("protected_read", "protected call", "Read an item with a valid token",
          v1=answer(200), v2=answer(200),
          lesson="@jwt_required() is spelled the same; the header prefix is JWT vs Bearer.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("GET", f"/item/{w.item(me, token)}", token=token)


@scenario("missing_header", "protected call", "Read an item without a token",
          v1=answer(401, "authorization_required"), v2=answer(401, "authorization_required"),
          lesson="A real server in production config answers 401, not Flask-RESTful's 500.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything")


@scenario("wrong_prefix", "protected call", "Send the other library's header prefix",
          v1=answer(401, "authorization_required"), v2=answer(401, "authorization_required"),
          lesson="Clients must switch 'Authorization: JWT <t>' to 'Authorization: Bearer <t>'.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    prefix = w.other(me).prefix
    return me.request("GET", "/item/anything", headers={"Authorization": f"{prefix} {token}"})


@scenario("lowercase_prefix", "protected call", "Send the prefix in lower case",
          v1=answer(200), v2=answer(401, "authorization_required"), verdict="differs",
          reason="Flask-JWT compares the prefix case-insensitively; Flask-JWT-Extended "
                 "matches 'Bearer' exactly",
          lesson="'bearer <t>' is refused by v2.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("GET", f"/item/{w.stock_item()}",
                      headers={"Authorization": f"{me.prefix.lower()} {token}"})


@scenario("write_fresh", "protected call", "Create an item with the token from login",
          v1=answer(201), v2=answer(201))
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("POST", f"/item/fresh{w.run_id}{me.name}", token=token,
                      json_body={"price": 3})


@scenario("another_users_record", "protected call",
          "Read another user's record: no is_admin in it",
          v1=answer(200), v2=answer(200),
          lesson="Any logged-in user reads a record; is_admin only shows to the user or an "
                 "admin (to others it names whom to attack).")
def _(w: World, me: AppClient) -> Exchange:
    admin = w.register(me, admin=True)
    token = me.tokens(w.register(me).name, PASSWORD).access
    seen = me.request("GET", f"/user/{admin.id}", token=token)
    if seen.status == 200 and set(seen.json) != {"id", "username"}:
        raise AssertionError(f"{me.name} shows another user's privileges: {seen.json}")
    return seen
