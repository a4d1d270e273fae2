"""The "cross-app store" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("registered_on_other_app", "cross-app store",
          "Log in with a user registered on the other app (name in other case)",
          v1=answer(200), v2=answer(200),
          lesson="One store, one argon2id hash both stacks can verify.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(w.other(me))
    return me.login(user.name.upper(), PASSWORD)


@scenario("user_deleted_token_alive", "cross-app store",
          "Use a token after the user was deleted",
          v1=answer(401, "user_not_found"), v2=answer(401, "user_not_found"),
          lesson="v1's identity() and v2's user_lookup_loader both find no user.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    w.store.delete_user(user.id)
    return me.request("GET", "/item/anything", token=token)


@scenario("admin_demoted_token_alive", "cross-app store",
          "An admin, demoted after logging in, deletes an item",
          v1=answer(403, "admin_required"), v2=answer(200), verdict="differs",
          reason="v1 reads is_admin from the store on every request; v2's is_admin claim "
                 "lives until the access token expires (15 min)",
          lesson="Claims save a lookup per request and go stale: keep access tokens short.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me, admin=True)
    token = me.tokens(user.name, PASSWORD).access
    item = w.item(me, token)
    w.store.set_admin(user.name, False)
    return me.request("DELETE", f"/item/{item}", token=token)


@scenario("throttle_across_apps", "cross-app store",
          "Log in after 10 failures split across both apps",
          v1=answer(429, "too_many_attempts"), v2=answer(429, "too_many_attempts"),
          lesson="Failed logins are counted in the shared store: both apps throttle together.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    for i in range(10):
        (me if i % 2 else w.other(me)).login(user.name, "wrong password")
    return me.login(user.name, PASSWORD)
