"""What an outside fact-check of migration_notes.md asked to be shown exactly (issue 19), for
the claims about the legacy stack, in .venv-v1."""

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import warnings

import flask
import flask_jwt as flask_jwt_module
import jwt
import pytest
from flask_jwt import JWT, jwt_required
from werkzeug.security import check_password_hash, generate_password_hash

from sidebyside.servers import REPO, venv_python
from tests.v1.test_v1 import course_app


def test_debug_mode_hides_the_flask_restful_500_trap_too(secret_key):
    """Flask propagates exceptions when testing OR debug is on; Flask-RESTful then re-raises
    JWTError to Flask-JWT's handler: the 401 comes back, and so the trap hides."""
    app = course_app(secret_key)
    assert app.test_client().get("/item/chair").status_code == 500
    app.debug = True
    answer = app.test_client().get("/item/chair")
    assert answer.status_code == 401 and answer.get_json()["error"] == "Authorization Required"


def test_only_secret_key_is_copied_at_init_jwt_secret_key_set_later_works(secret_key):
    app = flask.Flask(__name__)
    user = type("U", (), {"id": 1})()
    JWT(app, lambda u, p: user if (u, p) == ("bob", "pw") else None, lambda payload: user)
    assert app.config["JWT_SECRET_KEY"] is None  # SECRET_KEY was not set: None was copied
    app.config["JWT_SECRET_KEY"] = secret_key  # after JWT(app): read at each use
    answer = app.test_client().post("/auth", json={"username": "bob", "password": "pw"})
    assert answer.status_code == 200 and "access_token" in answer.get_json()


def test_the_v1_stacks_werkzeug_reads_werkzeug_3s_scrypt_hashes():
    """The notes' old reason for argon2id (v1's Werkzeug could not read scrypt) does not hold
    on this stack: v1 runs Werkzeug 3.1 too."""
    hashed = generate_password_hash("correct horse")
    assert hashed.startswith("scrypt:")
    assert check_password_hash(hashed, "correct horse")


# --- Appendix A: PyJWT 2 under Flask-JWT, reproduced ---------------------------------------

AUTH_ON_THIS_PYJWT = """
import json, traceback
import flask, jwt
from flask_jwt import JWT
app = flask.Flask("x")
app.config.update(JWT_SECRET_KEY="k" * 32, PROPAGATE_EXCEPTIONS=True)
user = type("U", (), {"id": 1})()
JWT(app, lambda username, password: user, lambda payload: user)
got = {"pyjwt": jwt.__version__}
try:
    got["status"] = app.test_client().post(
        "/auth", json={"username": "bob", "password": "pw"}).status_code
except AttributeError as error:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    got.update(error=str(error), function=frame.name, line=frame.line)
print(json.dumps(got))
"""


def run_auth(pythonpath: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, "-c", AUTH_ON_THIS_PYJWT], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_flask_jwt_on_pyjwt_2_crashes_in_its_auth_response_handler(tmp_path):
    """The v1 environment with PyJWT 2's `jwt` package, and nothing else of .venv-v2, put in
    front of its own on PYTHONPATH: jwt.encode now returns str, and Flask-JWT's
    _default_auth_response_handler calls .decode('utf-8') on it."""
    where = subprocess.run([str(venv_python("v2")), "-c",
                            "import jwt, os; print(os.path.dirname(jwt.__file__))"],
                           capture_output=True, text=True, timeout=60, check=True)
    shutil.copytree(where.stdout.strip(), tmp_path / "jwt",
                    ignore=shutil.ignore_patterns("__pycache__"))
    assert run_auth(None) == {"pyjwt": "1.7.1", "status": 200}
    crashed = run_auth(str(tmp_path))
    assert crashed["pyjwt"].startswith("2.")
    assert crashed == {"pyjwt": crashed["pyjwt"],
                       "error": "'str' object has no attribute 'decode'",
                       "function": "_default_auth_response_handler",
                       "line": "return jsonify({'access_token': access_token.decode('utf-8')})"}


def test_pyjwt_1_7_1_is_from_2018():
    """The one date PyJWT 1.7.1 carries is its copyright line (the release is tagged
    2018-12-07)."""
    assert jwt.__version__ == "1.7.1"
    assert jwt.__copyright__ == "Copyright 2015-2018 José Padilla"


# --- Flask-JWT requires exp, iat and nbf ----------------------------------------------------

@pytest.mark.parametrize("missing", [None, "exp", "iat", "nbf"])
def test_flask_jwt_requires_exp_iat_and_nbf(secret_key, missing):
    """JWT_REQUIRED_CLAIMS, stock Flask-JWT on a plain view: a token signed with the right key
    but without one of the three is a 401 naming the claim."""
    app = flask.Flask(__name__)
    app.config["JWT_SECRET_KEY"] = secret_key
    user = type("U", (), {"id": 1})()
    JWT(app, lambda username, password: user, lambda payload: user)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    now = int(time.time())
    claims = {"identity": 1, "iat": now, "nbf": now, "exp": now + 300}
    claims.pop(missing, None)
    token = jwt.encode(claims, secret_key, algorithm="HS256").decode()
    answer = app.test_client().get("/p", headers={"Authorization": f"JWT {token}"})
    if missing is None:
        assert answer.status_code == 200
    else:
        assert (answer.status_code, answer.get_json()["description"]) == (
            401, f'Token is missing the "{missing}" claim')


# --- the utcnow warning that pyproject.toml filters, in full ----------------------------------

@pytest.mark.skipif(sys.version_info < (3, 12), reason="Python 3.11 does not deprecate utcnow "
                    "(make test-pythons runs this on 3.12 and 3.13)")
def test_the_utcnow_warning_in_full(secret_key):
    token = jwt.encode({"identity": 1}, secret_key, algorithm="HS256")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        jwt.decode(token, secret_key, algorithms=["HS256"])
    assert [str(w.message) for w in caught if "utcnow" in str(w.message)] == [
        "datetime.datetime.utcnow() is deprecated and scheduled for removal in a future "
        "version. Use timezone-aware objects to represent datetimes in UTC: "
        "datetime.datetime.now(datetime.UTC)."]


def test_flask_jwt_0_3_2_was_uploaded_in_november_2015():
    """uv.lock records PyPI's upload time of the sdist we install. That 0.3.2 is the last
    release is PyPI's word, which no offline test can check."""
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    flask_jwt = [p for p in lock["package"] if p["name"] == "flask-jwt"]
    assert [p["version"] for p in flask_jwt] == ["0.3.2"]
    assert flask_jwt[0]["sdist"]["upload-time"].startswith("2015-11-03")


def test_flask_jwts_payload_handler_writes_the_users_id_itself(secret_key):
    """What 4.x's user_identity_loader takes over: Flask-JWT put user.id in `identity`."""
    app = flask.Flask(__name__)
    app.config["JWT_SECRET_KEY"] = secret_key
    user = type("U", (), {"id": 7})()
    JWT(app, lambda username, password: user, lambda payload: user)
    with app.app_context():
        payload = flask_jwt_module._default_jwt_payload_handler(user)
    assert payload["identity"] == 7 and set(payload) == {"exp", "iat", "nbf", "identity"}
