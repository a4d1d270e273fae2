"""make clients, as a test: newman, Bruno's CLI and httpyac run each app's collection against
both apps as real servers, twice in a row on one store, and every run leaves the store as it
found it.
The Node tools come from package-lock.json (npm ci); without node and npm this skips."""

import json
import re
import shutil
import subprocess

import pytest

from sidebyside import walkthrough
from sidebyside.walkthrough import NODE_BIN, REPO, client_commands, junit_counts, leftovers, run

pytestmark = pytest.mark.skipif(
    not (shutil.which("node") and shutil.which("npm")),
    reason="node and npm are not installed: the API clients (newman, bru) need them")


@pytest.fixture(scope="module")
def node_tools() -> None:
    if not all((NODE_BIN / tool).exists() for tool in ("newman", "bru", "httpyac")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, check=True,
                       capture_output=True, timeout=600)


def test_both_clients_pass_against_both_apps_twice_on_one_store(node_tools, tmp_path):
    results = run(rounds=2, workdir=tmp_path)
    failed = [f"{r.tool} {r.app} round {r.round}:\n{r.output}" for r in results if r.returncode]
    assert not failed, "\n".join(failed)
    assert [(r.round, r.app, r.tool) for r in results] == [
        (round_, app, tool) for round_ in (1, 2) for app in ("v1", "v2")
        for tool in ("newman", "bru", "httpyac")]
    requests = {app: len(walkthrough.steps_of(walkthrough.APPS[app])) for app in ("v1", "v2")}
    for r in results:
        cases, failures, errors = junit_counts(r.report)
        assert (failures, errors) == (0, 0), r.report.read_text()
        # newman and httpyac: a test case per assertion, all of them run; bru: at least one
        # per request.
        if r.tool in ("newman", "httpyac"):
            assert cases == walkthrough.assertion_counts()[r.app][1], (r.app, cases)
        assert cases >= requests[r.app], (r.tool, r.app, cases)


def test_a_wrong_expectation_fails_every_run(node_tools, tmp_path):
    """The runs have teeth: one status expected wrongly, and each tool exits non-zero."""
    root = tmp_path / "clients"
    walkthrough.write(root)
    for app in ("v1", "v2"):
        bru = root / app / "bruno" / "02-register-again.bru"
        bru.write_text(bru.read_text().replace("res.status: eq 409", "res.status: eq 201"))
        postman = root / app / "postman" / "walkthrough.postman_collection.json"
        postman.write_text(postman.read_text().replace("have.status(409)", "have.status(201)"))
        http = root / app / "walkthrough.http"
        http.write_text(http.read_text().replace("?? status == 409", "?? status == 201", 1))
    results = run(rounds=1, workdir=tmp_path / "run", root=root, keep_going=True)
    assert [(r.app, r.tool) for r in results] == [
        (app, tool) for app in ("v1", "v2") for tool in ("newman", "bru", "httpyac")]
    assert all(r.returncode for r in results), [(r.tool, r.app, r.output) for r in results]
    for r in results:
        assert junit_counts(r.report)[1] >= 1, (r.tool, r.app)


def test_without_an_admin_the_admin_steps_are_skipped_and_only_the_items_stay(node_tools,
                                                                              tmp_path):
    """A learner's first run: no admin_username in the environment. Every other step passes,
    the account is deleted, and the one item an admin would have deleted stays."""
    from sidebyside.servers import running_apps

    with running_apps(tmp_path) as servers:
        for app, server in servers.items():
            for tool, argv, cwd in client_commands(app, server.base_url, ("", ""), tmp_path, 1):
                if tool == "httpyac":  # its report comes on stdout: the path is run()'s
                    argv = argv[:-1]
                done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                                      timeout=120)
                assert done.returncode == 0, done.stdout + done.stderr
                admin_steps = sum(s.admin for s in walkthrough.STEPS)
                if tool == "newman":  # its table counts the requests sent
                    sent = len(walkthrough.steps_of(walkthrough.APPS[app])) - admin_steps
                    assert re.search(rf"requests\s*│\s*{sent}\s*│", done.stdout), done.stdout
                elif tool == "bru":
                    assert done.stdout.count("request skipped") == admin_steps, done.stdout
                else:  # httpyac's JUnit report: the admin's requests skipped, nothing failed
                    assert done.stdout.count("<skipped/>") == admin_steps, done.stdout
        left = leftovers(servers["v1"].env["DATABASE_URL"], admin="")
    assert len(left) == 6 and all(thing.startswith("item chair_") for thing in left), left


def test_a_run_that_leaves_something_behind_fails(node_tools, tmp_path):
    """Twice in a row on one store only proves something if each run cleans up: a run whose
    assertions all pass but that leaves its account behind fails, and the runs stop there."""
    root = tmp_path / "clients"
    walkthrough.write(root)
    path = root / "v1" / "postman" / "walkthrough.postman_collection.json"
    collection = json.loads(path.read_text())
    cleanup = collection["item"][-1]
    cleanup["item"] = [i for i in cleanup["item"] if i["name"] not in
                       ("Delete the account", "The token of a deleted account")]
    path.write_text(json.dumps(collection))
    results = run(rounds=2, workdir=tmp_path / "run", root=root)
    assert [(r.app, r.tool, r.returncode) for r in results] == [("v1", "newman", 99)]
    assert re.search(r"left in the store: user walker_\w+$", results[0].output.strip())
