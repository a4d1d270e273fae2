"""Each app's requests.http, as a learner runs it: its `# $` shell lines, in order, with curl,
against the app as a real server; and its IDE request blocks, which must send what the curl
line beside them sends."""

import os
import re
import shutil
import subprocess

import pytest

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


def requests_of(block: str, ide_vars: dict[str, str], shell: dict[str, str]
                ) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """(method, path, scheme) of a block's IDE request, and of its `# $ curl` line."""
    ide = curl = None
    for line in block.splitlines():
        if line.startswith("# $ ") and "curl" in line and '"$BASE' in line:
            line = line.replace("$LOGIN", shell.get("LOGIN", "$LOGIN")).replace(
                "$AUTH", shell.get("AUTH", "$AUTH"))
            method = re.search(r"-X (\w+)", line)
            scheme = re.search(r"Authorization: (\w+) ", line)
            path = re.search(r'"\$BASE(\S+?)"', line)
            curl = (method.group(1) if method else "GET", path.group(1) if path else "",
                    scheme.group(1) if scheme else "")
            continue
        for name, value in ide_vars.items():
            if name not in ("base", "id") and "response" not in value:
                line = line.replace(f"{{{{{name}}}}}", value)
        if m := re.match(r"(GET|POST|PUT|DELETE) \{\{base\}\}(\S+)", line):
            ide = [m.group(1), m.group(2).replace("{{id}}", "$ID"), ""]
        elif ide and (m := re.match(r"Authorization: (\w+) ", line)):
            ide[2] = m.group(1)
    return (tuple(ide) if ide else None), curl


@pytest.mark.parametrize("name", list(FILES))
def test_the_ide_request_blocks_are_the_curl_lines(name):
    """The curl lines run against a live server (above); each IDE block must send the same
    method, path and Authorization scheme as the curl line beside it."""
    text = (REPO / FILES[name]).read_text()
    ide_vars, shell = variables(text)
    pairs = [requests_of(b, ide_vars, shell) for b in text.split("\n###")]
    compared = [(ide, curl) for ide, curl in pairs if ide and curl]
    assert len(compared) >= 8
    for ide, curl in compared:
        assert ide == curl
    expected = "JWT" if name == "v1" else "Bearer"
    assert {ide[2] for ide, _ in compared} - {""} == {expected}


def test_the_two_walkthroughs_differ_only_in_their_first_lines():
    """For a client, the migration is the port, the login path and the header scheme."""
    v1, v2 = ((REPO / FILES[n]).read_text().splitlines() for n in ("v1", "v2"))
    assert len(v1) == len(v2)
    differing = [i for i, (a, b) in enumerate(zip(v1, v2, strict=True)) if a != b]
    assert differing and max(differing) < 14, differing
