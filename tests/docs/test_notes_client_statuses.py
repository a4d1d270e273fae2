"""The notes' "What changes for API clients" table, its statuses and error codes read whole:
each row's story is acted on both apps as real servers, and every "NNN `code`" a cell states
must be an answer the story got from that app (the rows' numbers, paths and lifetimes:
tests/docs/test_notes_client_table.py)."""

import re
from collections.abc import Callable

import pytest

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios import PASSWORD, World
from tests.docs.test_notes_client_table import row

STATED = re.compile(r"\b([45]\d\d) `(\w+)`")


def said(ex: Exchange) -> str:
    return f"{ex.status} {ex.error}"


def logged_in(world: World, client: AppClient) -> tuple[int, str, str | None]:
    user = world.register(client)
    tokens = client.tokens(user.name, PASSWORD)
    return user.id, tokens.access, tokens.refresh


def errors(world: World, client: AppClient) -> list[str]:
    user_id, token, _ = logged_in(world, client)
    name = world.register(client).name
    answers = [
        client.request("GET", f"/user/{user_id}", token=token + "x"),  # a token problem
        client.request("DELETE", f"/item/{world.stock_item()}", token=token),  # not an admin
        client.request("POST", "/register", json_body={"username": 5, "password": PASSWORD}),
        client.request("GET", "/item/no-such-item", token=token),
        client.register(name, PASSWORD),
    ]
    for _ in range(30):  # wrong passwords until the account is throttled
        answers.append(client.login(name, "wrong " + PASSWORD))
        if answers[-1].status == 429:
            break
    assert all(set(ex.json) == {"message", "error"} for ex in answers)  # the row's JSON shape
    assert "WWW-Authenticate" in answers[0].headers and "Retry-After" in answers[-1].headers
    return ["401 for every token problem" if answers[0].status == 401 else "",
            *(said(ex) for ex in answers)]


def fresh_only(world: World, client: AppClient) -> list[str]:
    user_id, token, refresh = logged_in(world, client)
    if refresh is not None:  # v2: a token from /refresh is not fresh
        token = client.request("POST", "/refresh", token=refresh).json["access_token"]
    return [said(client.request("POST", f"/item/{world.stock_item()}x", token=token,
                                json_body={"price": 1})),
            said(client.request("DELETE", f"/user/{user_id}", token=token))]


def log_out(world: World, client: AppClient) -> list[str]:
    user_id, token, refresh = logged_in(world, client)
    answer = client.request("POST", "/logout", token=token)
    if refresh is None:
        assert answer.status == 404  # v1: nothing to call
        return [said(client.request("GET", f"/user/{user_id}", token=token))]
    assert answer.status == 200
    return [said(client.request("GET", f"/user/{user_id}", token=token)),
            said(client.request("POST", "/refresh", token=refresh))]


def password_change(world: World, client: AppClient) -> list[str]:
    user_id, token, refresh = logged_in(world, client)
    changed = client.change_password(user_id, token, PASSWORD, PASSWORD + " 2")
    assert changed.status == 200, changed.body
    older = [client.request("GET", f"/user/{user_id}", token=token)]
    if refresh is not None:
        older.append(client.request("POST", "/refresh", token=refresh))
    return [said(ex) for ex in older]


STORIES: dict[str, Callable[[World, AppClient], list[str]]] = {
    "errors": errors, "create an item, delete an account": fresh_only, "log out": log_out,
    "after a password change": password_change,
}


@pytest.mark.parametrize("label", list(STORIES))
def test_every_status_and_code_a_row_states_is_what_the_app_answers(label: str, world: World):
    for app, cell in row(label).items():
        seen = STORIES[label](world, world.clients[app])
        stated = [f"{status} {code}" for status, code in STATED.findall(cell)]
        if "401 for every token problem" in cell:
            stated.append("401 for every token problem")
        missing = [s for s in stated if s not in seen]
        assert not missing, f"{app} did not answer {missing}; it answered {seen}"
        if not stated:  # "any valid token", "nothing to call": it worked
            assert all(s.startswith("2") for s in seen), (app, seen)


def test_the_new_error_codes_are_answered_in_the_rows_above():
    codes = re.findall(r"`(\w+)`", row("new error codes")["v2"])
    stories = " ".join(row(label)["v2"] for label in STORIES)
    assert codes and all(f"`{code}`" in stories for code in codes)
