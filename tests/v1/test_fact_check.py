"""What an outside fact-check of migration_notes.md asked to be shown exactly (issue 19), for
the claims about the legacy stack, in .venv-v1."""

import flask
from flask_jwt import JWT
from werkzeug.security import check_password_hash, generate_password_hash

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
