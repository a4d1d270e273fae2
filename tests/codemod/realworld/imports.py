"""Which modules of a corpus repository import, under a given interpreter: each module that
imports flask_jwt_extended, imported in a child process (a hanging import is cut after 10 s).

A module that fails on 3.25.1 for want of a dependency this machine lacks (Flask-SQLAlchemy,
Flask-RESTPlus, a database driver) says nothing about the codemod; the report counts, of the
modules that import on 3.25.1, those that still import on 4.7 after jwt_upgrade."""

import json
import subprocess
from pathlib import Path

from jwt_upgrade.project import module_name

CHILD = r"""
import importlib, json, os, signal, sys, warnings
warnings.simplefilter("ignore")
sys.path = [p for p in sys.path if p not in ("", os.getcwd())]  # only the roots given
def stop(*_):
    raise TimeoutError("import took more than 10 s")
signal.signal(signal.SIGALRM, stop)
found = {}
import importlib.util
for root, module in json.loads(sys.argv[1]):
    top = module.split(".")[0]
    if top in sys.modules or importlib.util.find_spec(top) is not None:
        found[module] = "skipped: its name is an installed module's (jwt, calendar, ...)"
        continue
    sys.path.insert(0, root)
    signal.alarm(10)
    try:
        importlib.import_module(module)
        found[module] = "ok"
    except BaseException as error:  # SystemExit too: an app may exit when it lacks a setting
        found[module] = f"{type(error).__name__}: {str(error)[:80]}"
    finally:
        signal.alarm(0)
        sys.path.remove(root)
print(json.dumps(found))
"""


def fje_modules(root: Path) -> list[tuple[str, str]]:
    """(the folder to put on sys.path, the module name) of each file importing FJE."""
    found = []
    for path in sorted(root.rglob("*.py")):
        text = path.read_text(errors="replace")
        if "flask_jwt_extended" not in text:
            continue
        name = module_name(path)
        top = path.parent.resolve()
        for _ in range(name.count(".") + (path.name == "__init__.py")):
            top = top.parent
        found.append((str(top), name))
    return found


def importable(python: Path, root: Path) -> dict[str, str]:
    modules = fje_modules(root)
    if not modules:
        return {}
    done = subprocess.run([str(python), "-c", CHILD, json.dumps(modules)], cwd=root,
                          capture_output=True, text=True, timeout=600)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {m: f"the import run failed: {done.stderr[-200:]}" for _, m in modules}


def still_importable(before: dict[str, str], after: dict[str, str]) -> tuple[int, int, list[str]]:
    """(modules importing on 4.7 after, of those importing on 3.25.1 before, the ones lost)."""
    base = [m for m, status in before.items() if status == "ok"]
    lost = [f"{m}: {after.get(m)}" for m in base if after.get(m) != "ok"]
    return len(base) - len(lost), len(base), lost
