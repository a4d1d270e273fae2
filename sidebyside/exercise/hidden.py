"""Held-out cases for `make grade GRADE_ARGS=--hidden`: never in a starter, drawn afresh per
run (names, prices, ids), and checking what an answer *says*, not only its status, so an app
that replays the visible answers from a table loses them.

To add one: a function below with `@held_out(...)`; it acts on the learner's app (`me`) in
the same world as the catalogue's scenarios (sidebyside/scenarios/base.py) and returns the
exchange to grade; raise AssertionError to say what was wrong in a 2xx answer.
"""

import secrets
from collections.abc import Callable

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios import PASSWORD, Outcome, Scenario, World
from sidebyside.tokens import hs256

HIDDEN: list[Scenario] = []


def held_out(key: str, chapter: str, title: str, *, v2: Outcome, lesson: str,
             points: int = 1) -> Callable:
    def add(act: Callable[[World, AppClient], Exchange]):
        HIDDEN.append(Scenario(f"hidden_{key}", chapter, title, act, None, v2, "v2_only",
                               "held out for grading", lesson, points))
        return act

    return add


def price() -> float:
    return secrets.randbelow(100_000) / 100 + 1


@held_out("item_read_back", "protected call", "Write an item, read back what was written",
          v2=Outcome(200), lesson="A protected read returns the store's item, not a canned one.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    name, written = f"held{secrets.token_hex(3)}", price()
    me.request("PUT", f"/item/{name}", token=token, json_body={"price": written})
    read = me.request("GET", f"/item/{name}", token=token)
    if read.status == 200 and read.json != {"name": name, "price": written, **_id(read)}:
        raise AssertionError(f"wrote {name} at {written}, read back {read.json}")
    return read


def _id(read: Exchange) -> dict:
    """The item's id, if the app shows one (the reference does): any id is fine."""
    body = read.json
    return {"id": body["id"]} if isinstance(body, dict) and "id" in body else {}


@held_out("own_record", "protected call", "Read your own record",
          v2=Outcome(200), lesson="user_lookup_loader turns the token's sub back into *this* "
                                  "user: the record names you, with your privileges.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    read = me.request("GET", f"/user/{user.id}", token=token)
    if read.status == 200 and read.json != {"id": user.id, "username": user.name,
                                            "is_admin": False}:
        raise AssertionError(f"user {user.id} ({user.name}) read {read.json}")
    return read


@held_out("list_with_prices", "optional JWT", "List items with a token: prices included",
          v2=Outcome(200), lesson="With a token, jwt_required(optional=True) shows the whole "
                                  "items; without one, names only.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    name, written = f"held{secrets.token_hex(3)}", price()
    me.request("PUT", f"/item/{name}", token=token, json_body={"price": written})
    listed = me.request("GET", "/items", token=token)
    items = listed.json.get("items") if isinstance(listed.json, dict) else None
    if listed.status == 200 and not any(isinstance(i, dict) and i.get("name") == name
                                        and i.get("price") == written for i in items or []):
        raise AssertionError(f"{name} at {written} is not in the list: {listed.json}")
    return listed


@held_out("other_secret", "error callbacks", "A well-formed token signed with another key",
          v2=Outcome(401, "invalid_token"),
          lesson="Only your JWT_SECRET_KEY's signature counts; the error callback says 401.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    forged = hs256(me.claims(user.id), secrets.token_hex(32))
    return me.request("GET", "/items", token=forged)


@held_out("refresh_token_writes", "refresh", "Create an item with a refresh token",
          v2=Outcome(401, "invalid_token"),
          lesson="A 30-day refresh token must never work as an access token.")
def _(w: World, me: AppClient) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    return me.request("PUT", f"/item/held{secrets.token_hex(3)}", token=tokens.refresh,
                      json_body={"price": price()})


@held_out("logout_ends_refreshed", "logout",
          "Log out with the refresh token: an access token minted by /refresh dies too",
          v2=Outcome(401, "token_revoked"),
          lesson="Logging out ends the whole login: every access token /refresh minted from "
                 "it carries the refresh token's id.")
def _(w: World, me: AppClient) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    refreshed = me.request("POST", "/refresh", token=tokens.refresh).json["access_token"]
    me.request("POST", "/logout", token=tokens.refresh)
    return me.request("GET", "/items", token=refreshed)


@held_out("admin_granted_after_login", "cross-app store",
          "A user made admin after logging in deletes an item",
          v2=Outcome(403, "admin_required"),
          lesson="The admin flag is a claim written at login: the token decides, not the store.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    token = me.tokens(user.name, PASSWORD).access
    item = w.item(me, token)
    w.store.set_admin(user.name, True)
    return me.request("DELETE", f"/item/{item}", token=token)
