"""The notes' "What changes for API clients" table, read whole where it states a number, a
path, a key, a header or a status, against both apps as real servers (tests/live.py); and the
lifetimes the .http walkthroughs' login titles state."""

import re

import pytest

from sidebyside.clients import AppClient
from sidebyside.scenarios import PASSWORD, World
from sidebyside.servers import REPO
from sidebyside.tokens import decode_unverified
from tests.docs.test_notes_rows import cells
from tests.docs.test_requests_http import FILES

NOTES = (REPO / "migration_notes.md").read_text()
UNIT = {"minute": 60, "minutes": 60, "day": 86400, "days": 86400}


def row(label: str) -> dict[str, str]:
    """{"v1": cell, "v2": cell} of the table's row with that label."""
    table = NOTES.split("## What changes for API clients", 1)[1].split("\n#", 1)[0]
    for line in table.splitlines():
        if line.startswith(f"| {label} |"):
            _, v1, v2 = cells(line)[:3]
            return {"v1": v1, "v2": v2 if v2 != "same" else v1}
    raise AssertionError(f"no row {label!r}")


def lifetimes(world: World, app: str) -> dict[str, int]:
    """exp - nbf of the tokens a fresh login on a live app answers."""
    client = world.clients[app]
    user = world.register(client)
    body = client.login(user.name, PASSWORD).json
    out = {}
    for kind in ("access_token", "refresh_token"):
        if kind in body:
            claims = decode_unverified(body[kind])[1]
            out[kind] = int(claims["exp"] - claims["nbf"])
    return out


def test_log_in_is_the_path_and_keys_the_table_says(world: World):
    for app, cell in row("log in").items():
        client = world.clients[app]
        method, path = re.search(r"`(POST) (/\w+)`", cell).groups()
        assert (method, path) == ("POST", client.login_path)
        user = world.register(client)
        answer = client.request(method, path,
                                json_body={"username": user.name, "password": PASSWORD})
        assert answer.status == 200
        assert sorted(answer.json) == sorted(re.findall(r'"(\w+)"', cell.split("→")[1]))


def test_the_header_scheme_and_its_case(world: World):
    cells_ = row("send the token")
    for app, refused in (("v1", None), ("v2", "bearer")):
        client = world.clients[app]
        scheme = re.search(r"`Authorization: (\w+) <token>`", cells_[app]).group(1)
        assert scheme == client.prefix
        user = world.register(client)
        token = client.tokens(user.name, PASSWORD).access
        for sent in (scheme, scheme.lower(), scheme.upper()):
            status = client.request("GET", f"/user/{user.id}", headers={
                "Authorization": f"{sent} {token}"}).status
            assert status == (401 if sent.lower() == refused and sent != scheme else 200), \
                (app, sent)
    assert "any case" in cells_["v1"] and "exactly" in cells_["v2"]


def leeway_accepts(client: AppClient, user_id: int, lifetime: int, expired_ago: int) -> bool:
    token = client.forge(client.claims(user_id, age=lifetime + expired_ago, lifetime=lifetime))
    answer = client.request("GET", f"/user/{user_id}", token=token)
    assert answer.status == 200 or answer.error == "token_expired", answer.body
    return answer.status == 200


def test_the_access_token_lifetime_and_clock_leeway(world: World):
    for app, cell in row("access token lifetime").items():
        minutes, leeway = re.fullmatch(
            r"(\d+) minutes, (?:(\d+) s clock leeway|no leeway)", cell).groups()
        assert lifetimes(world, app)["access_token"] == int(minutes) * 60, app
        client = world.clients[app]
        user = world.register(client)
        seconds = int(leeway or 0)
        assert leeway_accepts(client, user.id, 60, 0 - 30)  # the forged token itself is good
        if seconds:
            assert leeway_accepts(client, user.id, 60, seconds - 2), app
        assert not leeway_accepts(client, user.id, 60, seconds + 2), app


def test_the_refresh_token_lifetime(world: World):
    days = re.search(r"the refresh token \((\d+) days\)", row("when it expires")["v2"])
    assert lifetimes(world, "v2")["refresh_token"] == int(days.group(1)) * UNIT["days"]
    assert "refresh_token" not in lifetimes(world, "v1")


@pytest.mark.parametrize("name", list(FILES)[:2])
def test_the_walkthroughs_login_title_states_the_lifetimes(name: str, world: World):
    title = next(line for line in (REPO / FILES[name]).read_text().splitlines()
                 if line.startswith("### Log in"))
    v1, v2 = title.split("v2:")
    stated = {"v1": {"access_token": re.search(r"(\d+)-(minute)", v1)},
              "v2": {"access_token": re.search(r"(\d+)-(minute) access", v2),
                     "refresh_token": re.search(r"(\d+)-(day) refresh", v2)}}
    for app, kinds in stated.items():
        measured = lifetimes(world, app)
        for kind, said in kinds.items():
            assert said, (app, kind, title)
            assert measured[kind] == int(said.group(1)) * UNIT[said.group(2)], (app, kind)
