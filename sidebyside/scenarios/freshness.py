"""The "freshness" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import World, answer, non_fresh_token, scenario


@scenario("write_non_fresh", "freshness", "Create an item with a refreshed (non-fresh) token",
          v1=answer(201), v2=answer(401, "fresh_token_required"), verdict="differs",
          reason="Flask-JWT has no freshness: any valid token may write",
          lesson="Sensitive writes want a password typed recently: jwt_required(fresh=True).",
          points=2)
def _(w: World, me: AppClient) -> Exchange:
    _, token = non_fresh_token(w, me)
    return me.request("POST", f"/item/stale{w.run_id}{me.name}", token=token,
                      json_body={"price": 1})


@scenario("delete_self_non_fresh", "freshness", "Delete your account with a non-fresh token",
          v1=answer(200), v2=answer(401, "fresh_token_required"), verdict="differs",
          reason="Flask-JWT has no freshness")
def _(w: World, me: AppClient) -> Exchange:
    user, token = non_fresh_token(w, me)
    return me.request("DELETE", f"/user/{user.id}", token=token)
