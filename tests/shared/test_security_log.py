"""The security log's format and the CLI's events, in both stacks (issue 28)."""

import json
import os
import subprocess
import sys

from shared import Store
from tests.conftest import REPO, opened


def test_the_cli_logs_an_admin_grant_by_id_never_by_name(db_url, tmp_path):
    store = opened(Store(db_url, cheap_hashing_for_tests=True))
    store.init_schema()
    user = store.register("zelda-the-admin", "password123")
    done = subprocess.run([sys.executable, "-m", "shared", "admin", "grant", user.username],
                          cwd=REPO, env={**os.environ, "DATABASE_URL": db_url,
                                         "SECURITY_LOG_FILE": str(tmp_path / "security.log")},
                          capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(e["event"], e["appid"], e["userid"], e["is_admin"], e["level"]) for e in lines] == [
        ("authz_change", "cli", user.id, True, "WARNING")]
    assert lines[0]["datetime"].endswith("+00:00")
    assert "zelda" not in done.stderr
    assert (tmp_path / "security.log").read_text() == done.stderr  # the file setting


def test_a_field_with_a_newline_stays_inside_its_one_line():
    forged = 'x\n{"event": "authn_login_success", "userid": 1}\r\n\u2028'
    done = subprocess.run(
        [sys.executable, "-c", "from shared.security_log import log_event; "
         f"log_event('authn_login_fail', 'v2', useragent={forged!r})"],
        cwd=REPO, capture_output=True, text=True, check=True)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["useragent"] == forged
