"""The "register" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("register", "register", "Register a new user", v1=answer(201), v2=answer(201),
          lesson="Registration is ours in both versions: one store, one set of input rules.")
def _(w: World, me: AppClient) -> Exchange:
    return me.register(f"new{w.run_id}{me.name}", PASSWORD)


@scenario("register_duplicate", "register", "Register a taken name (other case)",
          v1=answer(409, "already_exists"), v2=answer(409, "already_exists"),
          lesson="Usernames are unique without regard to case or Unicode form.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.register(user.name.upper(), PASSWORD)


@scenario("register_bad_body", "register", "Register with a JSON array as body",
          v1=answer(400, "validation_error"), v2=answer(400, "validation_error"),
          lesson="Bad input is a 400 with a JSON reason, never a 500.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("POST", "/register", json_body=["bob", PASSWORD])
