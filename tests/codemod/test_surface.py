"""The 3.x surface, read from Flask-JWT-Extended 3.25.1 itself (.venv-fje3), against the rules:
a public name, a JWTManager loader or a config key with no entry in jwt_upgrade/surface.py
fails here; so does an entry marked KEPT that 4.x (this interpreter) does not have."""

import json
import subprocess

import flask_jwt_extended
import flask_jwt_extended.exceptions
import pytest

from jwt_upgrade.rules import RULES
from jwt_upgrade.surface import CONFIG_3X, EXCEPTIONS_3X, KEPT, LOADERS_3X, PUBLIC_3X
from sidebyside.servers import venv_python

# Runs in .venv-fje3: what 3.25.1 offers, and the config keys its config.py reads.
ENUMERATE = r"""
import inspect, json, re
import flask_jwt_extended as f, flask_jwt_extended.exceptions as e
from flask_jwt_extended import JWTManager, config
print(json.dumps({
    "version": f.__version__,
    "public": sorted(n for n in dir(f) if not n.startswith("_")),
    "exceptions": sorted(n for n, v in vars(e).items()
                         if isinstance(v, type) and v.__module__ == e.__name__),
    "loaders": sorted(n for n in vars(JWTManager) if n.endswith("_loader")),
    "config": sorted(set(re.findall(r"config(?:\.get\(|\[)'([A-Z_]+)'",
                                    inspect.getsource(config)))),
}))
"""


@pytest.fixture(scope="module")
def surface_3x() -> dict:
    done = subprocess.run([str(venv_python("fje3")), "-c", ENUMERATE], capture_output=True,
                          text=True, timeout=60, check=True)
    found = json.loads(done.stdout)
    assert found["version"] == "3.25.1"
    return found


@pytest.mark.parametrize(("part", "table"), [
    ("public", PUBLIC_3X), ("exceptions", EXCEPTIONS_3X), ("loaders", LOADERS_3X),
    ("config", CONFIG_3X)])
def test_every_part_of_the_3x_surface_has_a_rule(surface_3x, part, table):
    assert surface_3x[part], part  # an empty enumeration would prove nothing
    assert sorted(set(surface_3x[part]) - set(table)) == []


def test_every_rule_named_by_the_surface_exists():
    for table in (PUBLIC_3X, EXCEPTIONS_3X, LOADERS_3X, CONFIG_3X):
        for entry in table.values():
            named = {word.strip("(),:") for word in entry.split() if word.startswith(("(F",
                                                                                     "F"))}
            assert named <= set(RULES), (entry, named - set(RULES))


def test_what_is_kept_exists_in_4x():
    from flask_jwt_extended import JWTManager

    missing = [n for n, r in PUBLIC_3X.items()
               if r.startswith(KEPT) and not hasattr(flask_jwt_extended, n)]
    missing += [n for n, r in EXCEPTIONS_3X.items()
                if r.startswith(KEPT) and not hasattr(flask_jwt_extended.exceptions, n)]
    missing += [n for n, r in LOADERS_3X.items()
                if r.startswith(KEPT) and not hasattr(JWTManager, n)]
    assert missing == []


def test_what_is_not_kept_is_gone_or_changed_in_4x():
    renamed = [n for n, r in {**PUBLIC_3X, **EXCEPTIONS_3X}.items()
               if not r.startswith(KEPT) and n != "jwt_required"
               and (hasattr(flask_jwt_extended, n) or hasattr(flask_jwt_extended.exceptions, n))]
    assert renamed == []
