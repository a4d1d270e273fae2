"""Each app's requests.http, as a learner runs it: its `# $` shell lines, in order, with curl,
against the app as a real server."""

import os
import re
import shutil
import subprocess

import pytest

from sidebyside.servers import REPO, AppServer

EXPECTED = {  # the status of every request in the file, in order
    "v1": [201, 200, 200, 201, 200, 200, 200, 200, 403, 200, 200, 401, 200, 200, 401],
    "v2": [201, 200, 200, 201, 200, 200, 200, 200, 403, 403, 200, 200, 401, 200, 401, 401,
           200, 200, 401, 401, 200, 200, 401],
}


def shell_lines(app: str) -> list[str]:
    folder = {"v1": "v1_basic_jwt", "v2": "v2_jwt_extended"}[app]
    text = (REPO / folder / "requests.http").read_text()
    return [line[4:] for line in text.splitlines() if line.startswith("# $ ")]


@pytest.mark.parametrize("run", ["first", "again"])  # it leaves nothing behind: twice in a row
@pytest.mark.parametrize("app", ["v1", "v2"])
def test_requests_http_sequence_runs_with_curl(app, run, servers: dict[str, AppServer]):
    assert shutil.which("curl"), "curl is part of the machine image"
    server = servers[app]
    lines = shell_lines(app)
    lines[0] = f"BASE={server.base_url}"  # the live server's port instead of the default
    env = {**os.environ, "DATABASE_URL": server.env["DATABASE_URL"]}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    statuses = [int(s) for s in re.findall(r" \[(\d{3})\]$", done.stdout, re.MULTILINE)]
    assert statuses == EXPECTED[app], done.stdout
    assert '"error": "internal_error"' not in done.stdout


def requests_of(block: str) -> tuple[tuple[str, str, str] | None, tuple[str, str, str] | None]:
    """(method, path, scheme) of a block's IDE request, and of its `# $ curl` line."""
    ide = curl = None
    for line in block.splitlines():
        if m := re.match(r"(GET|POST|PUT|DELETE) \{\{base\}\}(\S+)", line):
            ide = [m.group(1), m.group(2).replace("{{id}}", "$ID"), ""]
        elif ide and (m := re.match(r"Authorization: (\w+) ", line)):
            ide[2] = m.group(1)
        elif line.startswith("# $ ") and "curl" in line and '"$BASE' in line:
            method = re.search(r"-X (\w+)", line)
            scheme = re.search(r'Authorization: (\w+) ', line)
            path = re.search(r'"\$BASE(\S+?)"', line)
            curl = (method.group(1) if method else "GET", path.group(1) if path else "",
                    scheme.group(1) if scheme else "")
    return (tuple(ide) if ide else None), curl


@pytest.mark.parametrize("app", ["v1", "v2"])
def test_the_ide_request_blocks_are_the_curl_lines(app):
    """The curl lines run against a live server (above); each IDE block must send the same
    method, path and Authorization scheme as the curl line beside it."""
    folder = {"v1": "v1_basic_jwt", "v2": "v2_jwt_extended"}[app]
    blocks = (REPO / folder / "requests.http").read_text().split("\n###")
    pairs = [requests_of(b) for b in blocks]
    compared = [(ide, curl) for ide, curl in pairs if ide and curl]
    assert len(compared) >= 12
    for ide, curl in compared:
        assert ide == curl
    expected = {"v1": "JWT", "v2": "Bearer"}[app]
    assert {ide[2] for ide, _ in compared} - {""} == {expected}
