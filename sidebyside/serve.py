"""make demo DEMO_ARGS=--serve: after the story, both apps keep running on fixed ports (those of
make run-v1/run-v2 and requests.http), with lines to paste for every endpoint."""

import json
import signal
import sys

from rich.console import Console
from rich.rule import Rule

from sidebyside.render import LIBRARY
from sidebyside.scenarios import PASSWORD, World
from sidebyside.servers import AppServer

JSON = "-H 'Content-Type: application/json'"
GET_TOKEN = "python3 -c 'import json,sys; print(json.load(sys.stdin)[\"{}\"])'"


def lines_for(name: str, base: str, user_id: int) -> list[str]:
    var, auth = ("$V1", "JWT $T1") if name == "v1" else ("$V2", "Bearer $T2")
    user = "demo-admin" if name == "v1" else "demo-user"
    login = json.dumps({"username": user, "password": PASSWORD})
    lines = [f"{var[1:]}={base}",
             f"curl -s -X POST {var}/register {JSON} -d "
             f"'{json.dumps({'username': f'learner-{name}', 'password': PASSWORD})}'"]
    if name == "v1":
        lines.append(f"T1=$(curl -s -X POST {var}/auth {JSON} -d '{login}' | "
                     f"{GET_TOKEN.format('access_token')})")
    else:
        lines += [f"R=$(curl -s -X POST {var}/login {JSON} -d '{login}')",
                  f"T2=$(echo \"$R\" | {GET_TOKEN.format('access_token')}); "
                  f"RT2=$(echo \"$R\" | {GET_TOKEN.format('refresh_token')})"]
    h = f'-H "Authorization: {auth}"'
    lines += [f"curl -s {var}/items",
              f"curl -s {var}/items {h}",
              f"curl -s -X POST {var}/item/lamp {h} {JSON} -d '{{\"price\": 3}}'",
              f"curl -s {var}/item/lamp {h}",
              f"curl -s -X PUT {var}/item/lamp {h} {JSON} -d '{{\"price\": 4}}'",
              f"curl -s -X DELETE {var}/item/lamp {h}",
              f"curl -s {var}/user/{user_id} {h}",
              f"# curl -s -X PUT {var}/user/{user_id}/password {h} {JSON} -d "
              f"'{{\"old_password\": \"{PASSWORD}\", \"new_password\": \"...\"}}'",
              f"# curl -s -X DELETE {var}/user/{user_id} {h}   (ends the demo user)"]
    if name == "v2":
        lines += [f'curl -s -X POST {var}/refresh -H "Authorization: Bearer $RT2"',
                  f"curl -s -X POST {var}/logout {h}"]
    return lines


def serve_forever(console: Console, servers: dict[str, AppServer], world: World) -> None:
    console.print(Rule("[bold]Both apps keep running: paste these lines in another terminal "
                       "(q + Enter or Ctrl-C here stops them)", style="note"))
    # The store the running apps use: `python -m shared` (admin grant, users) and the .http
    # walkthroughs' admin grant read DATABASE_URL, and would otherwise open instance/'s.
    console.print("# first, the store both apps use (python -m shared and the .http "
                  f"walkthroughs need it):\nexport DATABASE_URL='{world.store.url}'",
                  highlight=False, soft_wrap=True)
    for name, server in servers.items():
        console.print(f"# {LIBRARY[name]}", style="bold", highlight=False)
        who = world.store.find_user("demo-admin" if name == "v1" else "demo-user")
        for line in lines_for(name, server.base_url, who.id if who else 1):
            console.print(line, highlight=False, soft_wrap=True)
    console.print("# make someone admin, in this demo's store (DATABASE_URL above):\n"
                  ".venv-v2/bin/python -m shared admin grant demo-user",
                  highlight=False, soft_wrap=True)
    console.print("# the walkthroughs: v1_basic_jwt/requests.http, v2_jwt_extended/requests.http "
                  "(their # $ lines, pasted after the export line)", highlight=False,
                  soft_wrap=True)
    if sys.stdin.isatty():
        while (line := sys.stdin.readline()) and line.strip().lower() not in ("q", "quit"):
            pass  # "" is the end of input (Ctrl-D): stop too, never spin on it
    else:
        signal.pause()
