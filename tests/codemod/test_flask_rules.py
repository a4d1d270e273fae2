"""The Flask/Werkzeug family (FLK rules): what they rewrite is exact. A Flask 2.0 app run on
Flask 2.0.3 / Werkzeug 2.0.3 (.venv-fje3) answers as its upgraded copy does on Flask 3.1 /
Werkzeug 3.1 (.venv-v2), request by request; and the 2.0 app does not start on 3.1 at all."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from sidebyside.servers import REPO, venv_python

HERE = Path(__file__).parent
# Runs in either stack: one JSON line per request (status, the headers that matter, body).
DRIVE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from app import app
client = app.test_client()
q = "a b/c:d?e=f&g+h$!'()*,;é~"
for path, args in [("/quote", {"q": q}), ("/html", {"q": "<i>&amp;"}), ("/file", None),
                   ("/raw", None)]:
    r = client.get(path, query_string=args)
    print(json.dumps([path, r.status_code, r.headers.get("Content-Disposition"),
                      r.headers.get("Cache-Control"), r.get_data(as_text=True)]))
"""


def drive(python: Path, folder: Path) -> list[list]:
    done = subprocess.run([str(python), "-c", DRIVE, str(folder)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_flask_2_app_upgraded_answers_the_same_on_flask_3(tmp_path: Path):
    on_2 = drive(venv_python("fje3"), HERE / "flask_2x")
    assert len(on_2) == 4 and on_2[2][2] == "attachment; filename=report.txt"
    copy = tmp_path / "app"
    shutil.copytree(HERE / "flask_2x", copy, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "jwt_upgrade", str(copy)], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert "FLK001 x2, FLK002 x2, FLK003 x1, FLK004 x2; 0 TODO(s)" in done.stdout, done.stdout
    assert drive(venv_python("v2"), copy) == on_2


def test_the_flask_2_app_does_not_import_on_flask_3():
    done = subprocess.run([str(venv_python("v2")), "-c", "import app"],
                          cwd=HERE / "flask_2x", capture_output=True, text=True, timeout=60)
    assert "ImportError: cannot import name 'Markup' from 'flask'" in done.stderr
