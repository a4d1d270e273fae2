"""Each app's requests.http, as a learner runs it: its `# $` shell lines, in order, with curl,
against the app as a real server; and its IDE request blocks, which must send what the curl
line beside them sends."""

import json
import os
import re
import shutil
import subprocess
from typing import NamedTuple

import pytest

from shared import Store
from sidebyside.servers import REPO, AppServer, venv_python

FILES = {"v1": "v1_basic_jwt/requests.http", "v2": "v2_jwt_extended/requests.http",
         "v2-new": "v2_jwt_extended/requests-new-in-v2.http"}
EXPECTED = {  # the status of every request in the file, in order
    "v1": [201, 200, 200, 201, 200, 200, 200, 200, 403, 200, 200, 401, 200, 404, 200, 401],
    "v2": [201, 200, 200, 201, 200, 200, 200, 200, 403, 403, 200, 401, 200, 200, 200, 401],
    "v2-new": [201, 200, 201, 403, 200, 200, 401, 200, 401, 401, 200, 200],
}


def shell_lines(name: str) -> list[str]:
    text = (REPO / FILES[name]).read_text()
    return [line[4:] for line in text.splitlines() if line.startswith("# $ ")]


@pytest.mark.parametrize("run", ["first", "again"])  # it leaves nothing behind: twice in a row
@pytest.mark.parametrize("name", list(FILES))
def test_requests_http_sequence_runs_with_curl(name, run, servers: dict[str, AppServer]):
    assert shutil.which("curl"), "curl is part of the machine image"
    stack = name[:2]
    server = servers[stack]
    lines = shell_lines(name)
    # The live server's port, and this run's environment, instead of the defaults.
    lines[0] = re.sub(r"BASE=\S+;", f"BASE={server.base_url};", lines[0])
    lines[0] = re.sub(r"PY=\S+", f"PY={venv_python(stack)}", lines[0])
    env = {**os.environ, "DATABASE_URL": server.env["DATABASE_URL"]}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = [int(s) for s in re.findall(r" \[(\d{3})\]$", done.stdout, re.MULTILINE)]
    assert statuses == EXPECTED[name], done.stdout
    assert '"error": "internal_error"' not in done.stdout


def variables(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """The IDE file variables (@name = value) and the shell variables of the first `# $` line."""
    ide = dict(re.findall(r"^@(\w+) = (.+)$", text, re.MULTILINE))
    first = next(line for line in text.splitlines() if line.startswith("# $ "))
    shell = {k: v.strip('"') for k, v in re.findall(r'(\w+)=("[^"]*"|[^;\s]+)', first)}
    return ide, shell


class Request(NamedTuple):
    method: str
    path: str
    scheme: str
    token: tuple[str, str] | None  # (the request it came from, its key in that answer's body)
    json_type: bool  # Content-Type: application/json
    body: object  # the JSON sent, parsed; None without a body


ANSWER_VAR = re.compile(r"^@(\w+) = \{\{(\w+)\.response\.body\.(\w+)\}\}$", re.MULTILINE)
SHELL_VAR = re.compile(r"""(\w+)=\$\(echo "\$\{R[^']*'[^']*\["(\w+)"\]""")


def requests_of(text: str) -> list[tuple[Request | None, Request | None]]:
    """(the IDE request, the `# $ curl` request) of each block, in order: what each sends,
    down to its JSON body and which answer its token came from. A shell variable such as
    $TOKEN means the answer it was last assigned from, as a shell runs the lines."""
    ide_vars, shell = variables(text)
    answers = {name: (req, key) for name, req, key in ANSWER_VAR.findall(text)}
    tokens: dict[str, tuple[str, str]] = {}  # shell variable -> (request name, key)
    pairs = []
    for block in text.split("\n###"):
        name = re.search(r"^# @name (\w+)$", block, re.MULTILINE)
        curl = ide = None
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("# $ ") and "curl" in line and '"$BASE' in line:
                line = line.replace("$LOGIN", shell.get("LOGIN", "$LOGIN")).replace(
                    "$AUTH", shell.get("AUTH", "$AUTH"))
                method = re.search(r"-X (\w+)", line)
                auth = re.search(r'Authorization: (\w+) \$(\w+)"', line)
                path = re.search(r'"\$BASE(\S+?)"', line)
                data = re.search(r"-d '([^']*)'", line)
                curl = Request(method.group(1) if method else "GET",
                               path.group(1) if path else "", auth.group(1) if auth else "",
                               tokens.get(auth.group(2), ("?", auth.group(2))) if auth else None,
                               "Content-Type: application/json" in line,
                               json.loads(data.group(1)) if data else None)
                tokens.update({var: (name.group(1) if name else "?", key)
                               for var, key in SHELL_VAR.findall(line)})
            elif m := re.match(r"(GET|POST|PUT|DELETE) (\S+)$", line):
                ide = ide_request(m.group(1), m.group(2), lines[i + 1:], ide_vars, answers)
        pairs.append((ide, curl))
    return pairs


def ide_request(method: str, url: str, rest: list[str], ide_vars: dict[str, str],
                answers: dict[str, tuple[str, str]]) -> Request:
    """An IDE request from its first line and the lines after it (headers, blank, body)."""
    for name, value in ide_vars.items():
        if name not in ("base", "id") and "response" not in value:
            url = url.replace(f"{{{{{name}}}}}", value)
            rest = [line.replace(f"{{{{{name}}}}}", value) for line in rest]
    blank = rest.index("") if "" in rest else len(rest)
    headers, body = rest[:blank], "\n".join(rest[blank:]).strip()
    auth = next((re.match(r"Authorization: (\w+) \{\{(\w+)\}\}$", h) for h in headers
                 if h.startswith("Authorization:")), None)
    return Request(method, url.removeprefix("{{base}}").replace("{{id}}", "$ID"),
                   auth.group(1) if auth else "",
                   answers.get(auth.group(2), ("?", auth.group(2))) if auth else None,
                   "Content-Type: application/json" in headers,
                   json.loads(body) if body else None)


@pytest.mark.parametrize("name", list(FILES))
def test_the_ide_request_blocks_are_the_curl_lines(name):
    """The curl lines run against a live server (above); each IDE block must send what the
    curl line beside it sends: method, path, scheme, the same token, the same JSON body."""
    pairs = requests_of((REPO / FILES[name]).read_text())
    compared = [(ide, curl) for ide, curl in pairs if ide and curl]
    assert len(compared) >= 8 and len(compared) == sum(1 for _, curl in pairs if curl)
    for ide, curl in compared:
        assert ide == curl
    expected = "JWT" if name == "v1" else "Bearer"
    assert {ide.scheme for ide, _ in compared} - {""} == {expected}
    # The check reads what it compares: tokens from named answers, and bodies.
    assert all(ide.token[0] != "?" for ide, _ in compared if ide.token)
    assert sum(ide.body is not None for ide, _ in compared) >= 3
    assert len({ide.token for ide, _ in compared if ide.token}) >= 2


def test_the_two_walkthroughs_differ_only_in_their_first_lines():
    """For a client, the migration is the port, the login path and the header scheme."""
    v1, v2 = ((REPO / FILES[n]).read_text().splitlines() for n in ("v1", "v2"))
    assert len(v1) == len(v2)
    differing = [i for i, (a, b) in enumerate(zip(v1, v2, strict=True)) if a != b]
    assert differing and max(differing) < 14, differing


def test_the_admin_grant_against_another_store_says_which_store_to_use(
        servers: dict[str, AppServer], tmp_path):
    """The apps on one store, the shell's DATABASE_URL on another (the instance/ default while
    the apps run under make demo --serve): the walkthrough stops at the grant and says why,
    instead of answering 403 where the file says 200."""
    lines = shell_lines("v1")
    lines[0] = re.sub(r"BASE=\S+;", f"BASE={servers['v1'].base_url};", lines[0])
    lines[0] = re.sub(r"PY=\S+", f"PY={venv_python('v1')}", lines[0])
    grant = next(i for i, line in enumerate(lines) if "admin grant" in line)
    elsewhere = f"sqlite:///{tmp_path / 'other.db'}"
    done = subprocess.run(["bash", "-uo", "pipefail", "-c", "\n".join(lines[:grant + 1])],
                          cwd=REPO, env={**os.environ, "DATABASE_URL": elsewhere},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"no bob in the store at {elsewhere}: export the DATABASE_URL" in done.stdout
    with Store(servers["v1"].env["DATABASE_URL"]) as store:  # what it left: bob, his chair
        store.delete_item("chair")
        store.delete_user(store.find_user("bob").id)
