"""One walkthrough of the API, defined once, written out as each API client runs it.

`STEPS` is the walkthrough: register, log in, chain the token, read the user, create, read,
update, list and (as an admin) delete an item, then, in v2 only, refresh, the fresh-only write
refused with the refreshed token, logout and the tokens refused after it; then the clean-up,
which deletes everything the run created, so that it runs again on the same store.

    python -m sidebyside.walkthrough --write   # (re)generate clients/v1 and clients/v2
    python -m sidebyside.walkthrough --check   # exit 1 when a committed file is out of date
    python -m sidebyside.walkthrough --run     # newman, bru, httpyac against both, twice

Per app (`clients/<app>/`): a Postman collection v2.1 and its environment (Insomnia and
Bruno import both), a Bruno collection (`bruno/`, one `.bru` file per request), and a `.http`
file in httpyac's dialect (`walkthrough.http`). The two
apps' folders differ only in the base URL, the login path, the header scheme, the app's name
and the v2-only steps (tests/clients/test_generated.py).
"""

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CLIENTS = REPO / "clients"


@dataclass(frozen=True)
class App:
    """What a client needs to know of an app: the rest is the same walkthrough."""

    name: str  # v1, v2
    title: str
    base_url: str  # the port of make run-v1 / run-v2
    login_path: str
    scheme: str  # the Authorization header's scheme


APPS = {
    "v1": App("v1", "v1 (Flask-JWT)", "http://127.0.0.1:5001", "/auth", "JWT"),
    "v2": App("v2", "v2 (Flask-JWT-Extended)", "http://127.0.0.1:5002", "/login", "Bearer"),
}


@dataclass(frozen=True)
class Check:
    """One assertion on the answer's JSON body. kind: eq (a literal), eq_var (the value of a
    variable), string (a non-empty string), has_var (a list holding the variable's value),
    has_name_var (a list of objects, one named by the variable)."""

    kind: str
    path: str  # a dotted path in the body: "access_token", "items"
    value: Any = None


@dataclass(frozen=True)
class Step:
    key: str  # the Bruno file's name
    title: str
    method: str
    path: str  # after the base URL; {{login_path}} for the login
    status: int
    error: str | None = None  # the contract's error code, when status >= 400
    token: str | None = None  # the variable sent as `Authorization: <scheme> <token>`
    body: dict[str, Any] | None = None
    checks: tuple[Check, ...] = ()
    saves: tuple[tuple[str, str], ...] = ()  # (variable, key of the answer's body)
    folder: str = "walkthrough"  # walkthrough, v2 (v2 only), cleanup
    fresh_names: bool = False  # its pre-request script draws this run's names
    admin: bool = False  # needs admin_username/admin_password: skipped without them
    only_in: str | None = None  # "v2": a line of a shared step that only v2 has
    v2_saves: tuple[tuple[str, str], ...] = ()  # what v2's answer adds (the refresh token)
    description: str = ""

    def seq(self) -> int:
        return STEPS.index(self) + 1


FOLDERS = {"walkthrough": "Walkthrough", "v2": "New in v2", "cleanup": "Clean up"}
# The names a run creates: fresh each run, so that two runs on one store never collide.
NAMES = {"username": "walker_", "password": "correct horse ", "item": "chair_"}

CREDENTIALS = {"username": "{{username}}", "password": "{{password}}"}
STEPS: list[Step] = [
    Step("register", "Register", "POST", "/register", 201, body=CREDENTIALS,
         fresh_names=True, saves=(("user_id", "id"),),
         description="Draws this run's names (username, password, item) and registers."),
    Step("register-again", "Register the same name again", "POST", "/register", 409,
         "already_exists", body=CREDENTIALS),
    Step("log-in-wrong-password", "Log in with a wrong password", "POST", "{{login_path}}",
         401, "invalid_credentials",
         body={"username": "{{username}}", "password": "not the password"}),
    Step("log-in", "Log in", "POST", "{{login_path}}", 200, body=CREDENTIALS,
         checks=(Check("string", "access_token"),), saves=(("access_token", "access_token"),),
         v2_saves=(("refresh_token", "refresh_token"),),
         description="v1: Flask-JWT's POST /auth, one 5-minute token. v2: POST /login, a "
                     "fresh 15-minute access token and a 30-day refresh token."),
    Step("read-user", "Read the user", "GET", "/user/{{user_id}}", 200, token="access_token",
         checks=(Check("eq_var", "username", "username"),)),
    Step("create-item-no-token", "Create an item without a token", "POST", "/item/{{item}}",
         401, "authorization_required", body={"price": 12.5}),
    Step("create-item", "Create an item", "POST", "/item/{{item}}", 201, token="access_token",
         body={"price": 12.5},
         checks=(Check("eq_var", "name", "item"), Check("eq", "price", 12.5)),
         description="v2: needs a fresh token, as this one straight from the login is."),
    Step("create-item-again", "Create the same item again", "POST", "/item/{{item}}", 409,
         "already_exists", token="access_token", body={"price": 12.5}),
    Step("read-item", "Read the item", "GET", "/item/{{item}}", 200, token="access_token",
         checks=(Check("eq", "price", 12.5),)),
    Step("update-item", "Update the item", "PUT", "/item/{{item}}", 200, token="access_token",
         body={"price": 15}, checks=(Check("eq", "price", 15),)),
    Step("list-items-anonymous", "List the items, anonymous: names only", "GET", "/items",
         200, checks=(Check("has_var", "items", "item"),
                      Check("eq", "message", "More data available if you log in."))),
    Step("list-items", "List the items with the token: whole items", "GET", "/items", 200,
         token="access_token", checks=(Check("has_name_var", "items", "item"),)),
    Step("delete-item-not-admin", "Delete the item: admins only", "DELETE", "/item/{{item}}",
         403, "admin_required", token="access_token"),
    # v2 only: what Flask-JWT-Extended adds.
    Step("refresh", "Refresh: a new access token, not fresh", "POST", "/refresh", 200,
         token="refresh_token", folder="v2", checks=(Check("string", "access_token"),),
         saves=(("refreshed_token", "access_token"),)),
    Step("read-item-refreshed", "Read the item with the refreshed token", "GET",
         "/item/{{item}}", 200, token="refreshed_token", folder="v2"),
    Step("create-item-refreshed", "Create an item with the refreshed token: fresh only",
         "POST", "/item/{{item}}_2", 401, "fresh_token_required", token="refreshed_token",
         body={"price": 3}, folder="v2"),
    Step("log-out", "Log out", "POST", "/logout", 200, token="refreshed_token", folder="v2",
         description="Revokes this login's refresh token and every access token of it."),
    Step("after-logout-access", "The first access token after the logout", "GET", "/items",
         401, "token_revoked", token="access_token", folder="v2"),
    Step("after-logout-refresh", "The refresh token after the logout", "POST", "/refresh",
         401, "token_revoked", token="refresh_token", folder="v2"),
    Step("log-in-again", "Log in again (a fresh token, to clean up)", "POST", "{{login_path}}",
         200,
         body=CREDENTIALS, folder="v2", saves=(("access_token", "access_token"),)),
    # Clean up: everything the run created goes.
    Step("admin-log-in", "Log in as an admin", "POST", "{{login_path}}", 200,
         body={"username": "{{admin_username}}", "password": "{{admin_password}}"},
         folder="cleanup", admin=True, saves=(("admin_token", "access_token"),),
         description="admin_username/admin_password: an admin's (python -m shared admin "
                     "grant NAME). Without them the admin's steps are skipped and the item "
                     "stays."),
    Step("delete-item", "Delete the item (admin)", "DELETE", "/item/{{item}}", 200,
         token="admin_token", folder="cleanup", admin=True),
    Step("read-deleted-item", "The item is gone", "GET", "/item/{{item}}", 404, "not_found",
         token="admin_token", folder="cleanup", admin=True),
    Step("delete-user", "Delete the account", "DELETE", "/user/{{user_id}}", 200,
         token="access_token", folder="cleanup"),
    Step("after-delete-user", "The token of a deleted account", "GET", "/items", 401,
         "user_not_found", token="access_token", folder="cleanup"),
]


def steps_of(app: App) -> list[Step]:
    return [step for step in STEPS if step.folder != "v2" or app.name == "v2"]


def saves_of(step: Step, app: App) -> tuple[tuple[str, str], ...]:
    return step.saves + (step.v2_saves if app.name == "v2" else ())


# --- Postman (collection v2.1 and environment): test scripts chain with pm.environment.set


def js(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def fresh_names_script(setter: str) -> list[str]:
    return ["// This run's names: fresh each run, so that it runs again on the same store.",
            "const suffix = Math.random().toString(36).slice(2, 10);",
            *[f"{setter}({js(var)}, {js(prefix)} + suffix);" for var, prefix in NAMES.items()]]


def postman_checks(step: Step, app: App) -> list[str]:
    lines = [f"pm.test({js(f'status {step.status}')}, function () {{",
             f"    pm.response.to.have.status({step.status});", "});"]
    if step.status == 204:
        return lines
    lines.append("const body = pm.response.json();")
    if step.error:
        lines += [f"pm.test({js(f'error {step.error}')}, function () {{",
                  f"    pm.expect(body.error).to.eql({js(step.error)});", "});"]
    for check in step.checks:
        got = f"body.{check.path}"
        expect = {
            "eq": f"pm.expect({got}).to.eql({js(check.value)});",
            "eq_var": f"pm.expect({got}).to.eql(pm.environment.get({js(check.value)}));",
            "string": f"pm.expect({got}).to.be.a('string').and.not.be.empty;",
            "has_var": f"pm.expect({got}).to.include(pm.environment.get({js(check.value)}));",
            "has_name_var": f"pm.expect({got}.map(function (i) {{ return i.name; }}))"
                            f".to.include(pm.environment.get({js(check.value)}));",
        }[check.kind]
        lines += [f"pm.test({js(f'{check.path} ({check.kind})')}, function () {{",
                  f"    {expect}", "});"]
    for var, key in saves_of(step, app):
        lines.append(f"pm.environment.set({js(var)}, body.{key});")
    return lines


def postman_item(step: Step, app: App) -> dict[str, Any]:
    headers = []
    if step.token:
        headers.append({"key": "Authorization", "value": f"{{{{scheme}}}} {{{{{step.token}}}}}"})
    request: dict[str, Any] = {"method": step.method, "header": headers,
                               "url": f"{{{{base_url}}}}{step.path}"}
    if step.body is not None:
        headers.append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {"mode": "raw", "raw": json.dumps(step.body, indent=2),
                           "options": {"raw": {"language": "json"}}}
    if step.description:
        request["description"] = step.description
    pre = []
    if step.fresh_names:
        pre += fresh_names_script("pm.environment.set")
    if step.admin:
        pre += ["// Without an admin in the environment, the admin's steps are skipped.",
                "if (!pm.environment.get('admin_username')) {",
                "    pm.execution.skipRequest();", "}"]
    events = []
    if pre:
        events.append({"listen": "prerequest",
                       "script": {"type": "text/javascript", "exec": pre}})
    events.append({"listen": "test", "script": {"type": "text/javascript",
                                                "exec": postman_checks(step, app)}})
    return {"name": step.title, "event": events, "request": request}


def postman_collection(app: App) -> dict[str, Any]:
    folders = []
    for folder, title in FOLDERS.items():
        items = [postman_item(step, app) for step in steps_of(app) if step.folder == folder]
        if items:
            folders.append({"name": title, "item": items})
    return {
        "info": {
            "name": f"Walkthrough {app.title}",
            "description": "Generated from sidebyside/walkthrough.py: edit it there, then "
                           "python -m sidebyside.walkthrough --write. Select the environment "
                           "of the same name before running.",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
        },
        "item": folders,
        "variable": [{"key": "base_url", "value": app.base_url},
                     {"key": "login_path", "value": app.login_path},
                     {"key": "scheme", "value": app.scheme}],
    }


def environment_values(app: App) -> dict[str, str]:
    return {"base_url": app.base_url, "admin_username": "", "admin_password": ""}


def postman_environment(app: App) -> dict[str, Any]:
    return {
        "name": f"Walkthrough {app.title}",
        "values": [{"key": key, "value": value, "type": "secret" if "password" in key
                    else "default", "enabled": True}
                   for key, value in environment_values(app).items()],
        "_postman_variable_scope": "environment",
    }


# --- Bruno (.bru files): vars:post-response and script:post-response chain the tokens


def bru_block(name: str, lines: list[str]) -> str:
    return name + " {\n" + "".join(f"  {line}\n" if line else "\n" for line in lines) + "}\n"


def bru_value(value: Any) -> str:
    return js(value) if isinstance(value, str) else str(value)


def bruno_request(step: Step, app: App) -> str:
    blocks = [bru_block("meta", [f"name: {step.title}", "type: http", f"seq: {step.seq()}"])]
    blocks.append(bru_block(step.method.lower(), [
        f"url: {{{{base_url}}}}{step.path}",
        f"body: {'json' if step.body is not None else 'none'}", "auth: none"]))
    headers = []
    if step.token:
        headers.append(f"Authorization: {{{{scheme}}}} {{{{{step.token}}}}}")
    if step.body is not None:
        headers.append("Content-Type: application/json")
    if headers:
        blocks.append(bru_block("headers", headers))
    if step.body is not None:
        blocks.append(bru_block("body:json", json.dumps(step.body, indent=2).splitlines()))
    saves = saves_of(step, app)
    if saves:
        blocks.append(bru_block("vars:post-response",
                                [f"{var}: res.body.{key}" for var, key in saves]))
    asserts = [f"res.status: eq {step.status}"]
    if step.error:
        asserts.append(f"res.body.error: eq {js(step.error)}")
    tests = []
    for check in step.checks:
        got = f"res.body.{check.path}"
        if check.kind == "eq":
            asserts.append(f"{got}: eq {bru_value(check.value)}")
        elif check.kind == "string":
            asserts.append(f"{got}: isString")
        else:
            expect = {
                "eq_var": f"expect({got}).to.eql(bru.getVar({js(check.value)}));",
                "has_var": f"expect({got}).to.include(bru.getVar({js(check.value)}));",
                "has_name_var": f"expect({got}.map((i) => i.name))"
                                f".to.include(bru.getVar({js(check.value)}));",
            }[check.kind]
            tests += [f"test({js(f'{check.path} ({check.kind})')}, function () {{",
                      f"  {expect}", "});"]
    blocks.append(bru_block("assert", asserts))
    pre = []
    if step.fresh_names:
        pre += fresh_names_script("bru.setVar")
    if step.admin:
        pre += ["// Without an admin in the environment, the admin's steps are skipped.",
                "if (!bru.getEnvVar(\"admin_username\")) {",
                "  bru.runner.skipRequest();", "}"]
    if pre:
        blocks.append(bru_block("script:pre-request", pre))
    if tests:
        blocks.append(bru_block("tests", tests))
    if step.description:
        blocks.append(bru_block("docs", [step.description]))
    return "\n".join(blocks)


def bruno_files(app: App) -> dict[str, str]:
    files = {
        "bruno.json": json.dumps({"version": "1", "name": f"Walkthrough {app.title}",
                                  "type": "collection", "ignore": ["node_modules", ".git"]},
                                 indent=2) + "\n",
        "collection.bru": bru_block("vars:pre-request", [
            f"base_url: {app.base_url}", f"login_path: {app.login_path}",
            f"scheme: {app.scheme}"]),
        "environments/local.bru": bru_block("vars", [
            f"{key}: {value}".rstrip() for key, value in environment_values(app).items()]),
    }
    for step in steps_of(app):
        files[f"{step.seq():02d}-{step.key}.bru"] = bruno_request(step, app)
    return files


# --- The .http file (httpyac; its request syntax is VS Code REST Client's and JetBrains'):
# a script block draws the names, `??` lines assert, a response script chains the tokens.


HTTP_CHECKS = {
    "eq": "?? js response.parsedBody.{path} == {value}",
    "eq_var": "?? js response.parsedBody.{path} == {{{{{value}}}}}",
    "string": "?? js response.parsedBody.{path} isString",
    "has_var": "?? js response.parsedBody.{path} includes {{{{{value}}}}}",
    "has_name_var": "?? js response.parsedBody.{path}.map(i => i.name) includes {{{{{value}}}}}",
}


def http_file(app: App) -> str:
    lines = [f"# Walkthrough {app.title}. Generated from sidebyside/walkthrough.py: edit it",
             "# there, then python -m sidebyside.walkthrough --write. For httpyac (its CLI, or",
             "# its VS Code / JetBrains extension): `httpyac send walkthrough.http --all`; add",
             "# --var admin_username=NAME --var admin_password=... for the admin's clean-up.",
             f"@login_path = {app.login_path}", f"@scheme = {app.scheme}", "", "{{",
             "  // The app's address; --var base_url=... wins (a file variable would not).",
             f'  exports.base_url = typeof base_url === "undefined" ? {js(app.base_url)} '
             ": base_url;",
             "  // This run's names: fresh each run, so that it runs again on the same store.",
             "  const suffix = Math.random().toString(36).slice(2, 10);",
             *[f"  exports.{var} = {js(prefix)} + suffix;" for var, prefix in NAMES.items()],
             "}}", ""]
    for step in steps_of(app):
        lines += http_step(step, app)
    return "\n".join(lines)


def http_step(step: Step, app: App) -> list[str]:
    """One request of the .http file, its assertions and what it keeps for the next ones."""
    lines = [f"### {step.title}"]
    if step.admin:
        lines += ["{{", "  // Without an admin (--var admin_username=...), skipped.",
                  '  if (typeof admin_username === "undefined" || !admin_username) {',
                  "    exports.$cancel = true;", "  }", "}}"]
    lines.append(f"{step.method} {{{{base_url}}}}{step.path}")
    if step.token:
        lines.append(f"Authorization: {{{{scheme}}}} {{{{{step.token}}}}}")
    if step.body is not None:
        lines += ["Content-Type: application/json", "", json.dumps(step.body)]
    lines += ["", f"?? status == {step.status}"]
    if step.error:
        lines.append(f"?? js response.parsedBody.error == {step.error}")
    lines += [HTTP_CHECKS[c.kind].format(path=c.path, value=c.value) for c in step.checks]
    saves = saves_of(step, app)
    if saves:
        lines += ["{{", *[f"  exports.{var} = response.parsedBody.{key};"
                          for var, key in saves], "}}"]
    lines.append("")
    return lines


def generated() -> dict[str, str]:
    """Every generated file, by its path under clients/."""
    files = {}
    for app in APPS.values():
        files[f"{app.name}/postman/walkthrough.postman_collection.json"] = json.dumps(
            postman_collection(app), indent=2, ensure_ascii=False) + "\n"
        files[f"{app.name}/postman/local.postman_environment.json"] = json.dumps(
            postman_environment(app), indent=2, ensure_ascii=False) + "\n"
        for path, text in bruno_files(app).items():
            files[f"{app.name}/bruno/{path}"] = text
        files[f"{app.name}/walkthrough.http"] = http_file(app)
    return files


def committed(root: Path = CLIENTS) -> dict[str, str]:
    """The files under clients/<app>/ now (the Node tools' own files excluded)."""
    return {str(path.relative_to(root)): path.read_text()
            for app in APPS for path in sorted((root / app).rglob("*")) if path.is_file()}


def stale(root: Path = CLIENTS) -> list[str]:
    """The paths that differ from what the walkthrough generates (or are missing, or extra)."""
    want, have = generated(), committed(root)
    return sorted(path for path in want.keys() | have.keys() if want.get(path) != have.get(path))


def write(root: Path = CLIENTS) -> None:
    for app in APPS:
        shutil.rmtree(root / app, ignore_errors=True)
    for path, text in generated().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)


def assertion_counts() -> dict[str, tuple[int, int]]:
    """{app: (requests, Postman pm.test assertions)} per run of its collection."""
    counts = {}
    for app in APPS.values():
        steps = steps_of(app)
        tests = sum("".join(postman_checks(s, app)).count("pm.test(") for s in steps)
        counts[app.name] = (len(steps), tests)
    return counts


# --- Running them: both apps as real servers, newman and bru against each, twice


NODE_BIN = REPO / "node_modules" / ".bin"


@dataclass
class RunResult:
    tool: str
    app: str
    round: int
    returncode: int
    seconds: float
    output: str = field(repr=False)
    report: Path


def client_commands(app: str, base_url: str, admin: tuple[str, str], out: Path, round_: int,
                    root: Path = CLIENTS) -> Iterator[tuple[str, list[str], Path]]:
    """(tool, argv, where it runs) of newman and bru for one app; the JUnit report last."""
    user, password = admin
    folder = root / app
    junit = out / f"newman-{app}-{round_}.xml"
    yield "newman", [str(NODE_BIN / "newman"), "run",
                     str(folder / "postman" / "walkthrough.postman_collection.json"),
                     "-e", str(folder / "postman" / "local.postman_environment.json"),
                     "--env-var", f"base_url={base_url}",
                     "--env-var", f"admin_username={user}",
                     "--env-var", f"admin_password={password}",
                     "--bail", "--reporters", "cli,junit",
                     "--color", "off", "--reporter-junit-export", str(junit)], REPO
    yield "bru", [str(NODE_BIN / "bru"), "run", "--env", "local",
                  "--env-var", f"base_url={base_url}",
                  "--env-var", f"admin_username={user}",
                  "--env-var", f"admin_password={password}",
                  "--bail", "--reporter-junit", str(out / f"bru-{app}-{round_}.xml")], \
        folder / "bruno"
    # httpyac prints its JUnit report: run() keeps its output in the file named last.
    yield "httpyac", [str(NODE_BIN / "httpyac"), "send", "walkthrough.http", "--all", "--bail",
                      "--junit", "--var", f"base_url={base_url}",
                      "--var", f"admin_username={user}", "--var", f"admin_password={password}",
                      str(out / f"httpyac-{app}-{round_}.xml")], folder


def leftovers(db_url: str, admin: str) -> list[str]:
    """What the runs left in the store: users other than the admin, and items."""
    from shared import Store

    with Store(db_url) as store:
        return ([f"user {u.username}" for u in store.list_users() if u.username != admin]
                + [f"item {i.name}" for i in store.list_items()])


def run(rounds: int = 2, workdir: Path | None = None, root: Path = CLIENTS,
        keep_going: bool = False) -> list[RunResult]:
    """Both apps as real servers on one store; per round, newman then bru against each app.
    The store must be as it was after every run: each deletes what it created. Stops at the
    first failed run unless keep_going."""
    from shared import Store
    from sidebyside.servers import running_apps

    workdir = workdir or REPO / "instance" / "clients"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    admin = (f"walkthrough_admin_{secrets.token_hex(4)}", secrets.token_urlsafe(16))
    results: list[RunResult] = []
    with running_apps(workdir) as servers:
        db_url = servers["v1"].env["DATABASE_URL"]
        with Store(db_url) as store:
            store.register(*admin)
            store.set_admin(admin[0], True)
        for round_ in range(1, rounds + 1):
            for app, server in servers.items():
                for tool, argv, cwd in client_commands(app, server.base_url, admin,
                                                       workdir, round_, root):
                    started = time.monotonic()
                    report = Path(argv[-1])
                    if tool == "httpyac":
                        argv = argv[:-1]
                    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                                          timeout=120, env={**os.environ, "NO_COLOR": "1"})
                    if tool == "httpyac":
                        report.write_text(done.stdout)
                    results.append(RunResult(
                        tool, app, round_, done.returncode, time.monotonic() - started,
                        done.stdout + done.stderr, report))
                    left = leftovers(db_url, admin[0])
                    if left:
                        results[-1].returncode = results[-1].returncode or 99
                        results[-1].output += f"\nleft in the store: {', '.join(left)}\n"
                    if results[-1].returncode and not keep_going:
                        return results
    return results


def junit_counts(report: Path) -> tuple[int, int, int]:
    """(test cases, failures, errors) of a JUnit report, summed over its suites."""
    text = report.read_text() if report.exists() else ""
    suites = re.findall(r"<testsuite\b[^>]*>", text)
    totals = [sum(int(m) for s in suites for m in re.findall(rf'\b{attr}="(\d+)"', s))
              for attr in ("tests", "failures", "errors")]
    return totals[0], totals[1], totals[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sidebyside.walkthrough",
                                     description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="(re)generate clients/v1, v2")
    action.add_argument("--check", action="store_true", help="exit 1 when clients/ is stale")
    action.add_argument("--run", action="store_true",
                        help="newman and bru against both apps as real servers, twice")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if args.write:
        write()
        print(f"wrote {len(generated())} files under clients/")
        return 0
    if args.check or args.run:
        out_of_date = stale(CLIENTS)
        if out_of_date:
            print("out of date (python -m sidebyside.walkthrough --write):\n  "
                  + "\n  ".join(out_of_date))
            return 1
        if args.check:
            print(f"clients/: {len(generated())} files up to date")
            return 0
    missing = [tool for tool in ("newman", "bru", "httpyac") if not (NODE_BIN / tool).exists()]
    if missing:
        print(f"{', '.join(missing)} not installed: npm ci (make clients does)")
        return 2
    started = time.monotonic()
    results = run(args.rounds)
    for r in results:
        cases, failures, errors = junit_counts(r.report)
        state = "ok" if r.returncode == 0 else f"FAILED (exit {r.returncode})"
        print(f"round {r.round} {r.app} {r.tool:6} {state:18} {r.seconds:5.1f} s  "
              f"junit: {cases} cases, {failures} failures, {errors} errors")
        if r.returncode:
            print(r.output)
    failed = any(r.returncode for r in results) or len(results) < 6 * args.rounds
    print(f"{'FAILED' if failed else 'passed'}: {len(results)} runs in "
          f"{time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
