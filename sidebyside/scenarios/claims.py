"""The "claims" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("admin_delete", "claims", "An admin deletes an item", v1=answer(200), v2=answer(200),
          lesson="v1 reads is_admin from the store on every request (identity()); v2 puts "
                 "it in the token as a claim (additional_claims_loader).")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me, admin=True).name, PASSWORD).access
    return me.request("DELETE", f"/item/{w.item(me, token)}", token=token)


@scenario("non_admin_delete", "claims", "A non-admin deletes an item",
          v1=answer(403, "admin_required"), v2=answer(403, "admin_required"),
          lesson="403, not the course's 401: the user is known, just not allowed.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("DELETE", f"/item/{w.item(me, token)}", token=token)
