"""The client collections under clients/: what sidebyside/walkthrough.py generates, and the
v1 and v2 folders differ as the apps do (base URL, login path, scheme, the v2-only steps)."""

import difflib
import json
import os
import re
import shutil
import subprocess

from sidebyside import walkthrough
from sidebyside.servers import REPO
from sidebyside.walkthrough import (
    APPS,
    CLIENTS,
    STEPS,
    assertion_counts,
    committed,
    generated,
    stale,
)

NOTES = (REPO / "migration_notes.md").read_text()


def test_the_committed_collections_are_what_the_walkthrough_generates():
    assert not stale(), ("out of date: .venv-v2/bin/python -m sidebyside.walkthrough --write\n"
                         + "\n".join(stale()))


def test_a_changed_step_makes_the_files_stale(tmp_path, monkeypatch):
    walkthrough.write(tmp_path)
    assert stale(tmp_path) == []
    (tmp_path / "v1" / "bruno" / "02-register-again.bru").write_text("edited by hand\n")
    (tmp_path / "v2" / "bruno" / "99-extra.bru").write_text("")
    assert stale(tmp_path) == ["v1/bruno/02-register-again.bru", "v2/bruno/99-extra.bru"]
    monkeypatch.setitem(APPS, "v1", APPS["v1"].__class__("v1", "v1 (Flask-JWT)",
                                                         "http://127.0.0.1:5003", "/auth", "JWT"))
    assert "v1/postman/walkthrough.postman_collection.json" in stale(tmp_path)


def as_v1(text: str) -> str:
    """v2's text with v1's values: its base URL, login path, scheme and name."""
    v1, v2 = APPS["v1"], APPS["v2"]
    text = text.replace(v2.title, v1.title).replace(v2.base_url, v1.base_url)
    for field in ("login_path", "scheme"):  # as Bruno, Postman and httpyac declare it
        old, new = getattr(v2, field), getattr(v1, field)
        text = text.replace(f"@{field} = {old}\n", f"@{field} = {new}\n")
        text = text.replace(f"{field}: {old}\n", f"{field}: {new}\n").replace(
            f'"{field}", "value": "{old}"', f'"{field}", "value": "{new}"').replace(
            f'"{field}",\n      "value": "{old}"', f'"{field}",\n      "value": "{new}"')
    return text


def test_diff_r_v1_v2_touches_only_base_url_login_path_scheme_and_the_v2_steps():
    v1 = {p.removeprefix("v1/"): t for p, t in committed().items() if p.startswith("v1/")}
    v2 = {p.removeprefix("v2/"): t for p, t in committed().items() if p.startswith("v2/")}
    v2_only = {f"bruno/{s.seq():02d}-{s.key}.bru" for s in STEPS if s.folder == "v2"}
    assert set(v1) <= set(v2) and set(v2) - set(v1) == v2_only
    added = []
    for path in sorted(v1):
        # A JSON line gains a comma where v2 adds an element after it: not a change.
        old = [line.rstrip(",") for line in v1[path].splitlines()]
        new = [line.rstrip(",") for line in as_v1(v2[path]).splitlines()]
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new,
                                                           autojunk=False).get_opcodes():
            assert tag in ("equal", "insert"), (path, old[i1:i2], new[j1:j2])
            if tag == "insert":
                added += [(path, line) for line in new[j1:j2]]
    # What v2 adds to a shared file: the refresh token kept at login, and (Postman) the
    # folder of the v2-only steps, (httpyac) their requests.
    v2_requests = {line for s in STEPS if s.folder == "v2"
                   for line in walkthrough.http_step(s, APPS["v2"])}
    outside = [(path, line) for path, line in added
               if "refresh_token" not in line and not path.endswith("collection.json")
               and not (path == "walkthrough.http" and line in v2_requests)]
    assert not outside
    collection = {app: json.loads((CLIENTS / app / "postman" /
                                   "walkthrough.postman_collection.json").read_text())
                  for app in APPS}
    v2_folders = [f for f in collection["v2"]["item"] if f["name"] != "New in v2"]
    login = next(i for f in v2_folders for i in f["item"] if i["name"] == "Log in")
    script = login["event"][-1]["script"]["exec"]
    script.remove('pm.environment.set("refresh_token", body.refresh_token);')
    collection["v2"]["item"] = v2_folders
    assert json.loads(as_v1(json.dumps(collection["v2"]))) == collection["v1"]


def test_every_step_asserts_the_status_and_every_refusal_its_error_code():
    files = generated()
    for app in APPS:
        for step in walkthrough.steps_of(APPS[app]):
            bru = files[f"{app}/bruno/{step.seq():02d}-{step.key}.bru"]
            assert f"res.status: eq {step.status}" in bru
            assert (step.status >= 400) == (step.error is not None), step.key
            if step.error:
                assert f'res.body.error: eq "{step.error}"' in bru
    v2_errors = {s.error for s in STEPS if s.folder == "v2"} - {None}
    assert v2_errors == {"fresh_token_required", "token_revoked"}
    assert [s.key for s in STEPS if s.folder == "v2"][-1] == "log-in-again"


def test_every_run_draws_fresh_names_and_chains_tokens_the_clients_way():
    files = generated()
    for app in APPS:
        postman = files[f"{app}/postman/walkthrough.postman_collection.json"]
        assert 'pm.environment.set(\\"access_token\\", body.access_token);' in postman
        assert "Math.random()" in postman
        register = files[f"{app}/bruno/01-register.bru"]
        assert 'bru.setVar("username", "walker_" + suffix);' in register
        assert "access_token: res.body.access_token" in files[f"{app}/bruno/04-log-in.bru"]


def test_the_notes_show_the_bruno_collections_diff():
    """migration_notes.md, "What changes in your API client": the diff as `diff -r` prints it."""
    assert shutil.which("diff"), "diffutils is part of the machine image"
    printed = subprocess.run(["diff", "-r", "clients/v1/bruno", "clients/v2/bruno"], cwd=REPO,
                             capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    assert printed.returncode == 1, printed.stderr
    section = NOTES.split("### What changes in your API client", 1)[1]
    shown = section.split("$ diff -r clients/v1/bruno clients/v2/bruno\n", 1)[1].split("```")[0]
    assert shown == printed.stdout


def test_the_notes_count_the_requests_and_assertions_of_each_collection():
    (v1_requests, v1_tests), (v2_requests, v2_tests) = assertion_counts().values()
    section = NOTES.split("### What changes in your API client", 1)[1].split("\n## ", 1)[0]
    said = f"v1 {v1_requests} requests and {v1_tests} assertions, v2 {v2_requests} and {v2_tests}"
    assert said in " ".join(section.split())
    assert re.search(r"are seven requests", section) and v2_requests - v1_requests == 7


def test_check_says_whether_clients_is_up_to_date(capsys, monkeypatch, tmp_path):
    assert walkthrough.main(["--check"]) == 0
    assert "files up to date" in capsys.readouterr().out
    walkthrough.write(tmp_path)
    (tmp_path / "v2" / "bruno" / "17-log-out.bru").unlink()
    monkeypatch.setattr(walkthrough, "CLIENTS", tmp_path)
    assert walkthrough.main(["--check"]) == 1
    assert "v2/bruno/17-log-out.bru" in capsys.readouterr().out
