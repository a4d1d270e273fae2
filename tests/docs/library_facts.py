"""What the notes' tables are read against: each library's own defaults, names and answers.
Flask-JWT 0.3.2 lives in .venv-v1 and Flask-JWT-Extended 3.25.1 in .venv-fje3, so their facts
come from a subprocess there; Flask-JWT-Extended 4.7's from this interpreter (.venv-v2)."""

import inspect
import json
import subprocess
from datetime import timedelta
from functools import cache
from typing import Any

import flask
import flask_jwt_extended
import flask_jwt_extended.exceptions
from flask_jwt_extended import JWTManager, default_callbacks

from sidebyside.servers import venv_python

FLASK_JWT = '''
import inspect, json, re, warnings
from datetime import timedelta
warnings.simplefilter("ignore")
import flask, flask_jwt, jwt
app = flask.Flask("x")
app.config["SECRET_KEY"] = "k" * 32
class User:
    id = 7
guard = flask_jwt.JWT(app, lambda username, password: User(), lambda payload: User())
app.add_url_rule("/p", view_func=flask_jwt.jwt_required()(lambda: "ok"))
client = app.test_client()
token = client.post("/auth", json={"username": "a", "password": "b"}).get_json()["access_token"]
payload = jwt.decode(token, verify=False)
anonymous = client.get("/p")
source = inspect.getsource(flask_jwt)
print(json.dumps({
    "defaults": {k: v.total_seconds() if isinstance(v, timedelta) else v
                 for k, v in flask_jwt.CONFIG_DEFAULTS.items()},
    "names": sorted(set(dir(flask_jwt)) | set(dir(guard))),
    "statuses": sorted({inspect.signature(flask_jwt.JWTError).parameters["status_code"].default}
                       | {int(s) for s in re.findall(r"status_code=(\\d+)", source)}),
    "error_keys": sorted(anonymous.get_json()), "error_status": anonymous.status_code,
    "claims": sorted(payload),
    "config_read": sorted(set(re.findall(r"config\\[\'(\\w+)\'\\]", source))),
    "identity_type": type(payload["identity"]).__name__,
    "any_case": client.get("/p", headers={"Authorization": "jWt " + token}).status_code == 200,
}))
'''

FJE3 = '''
import inspect, json, flask, flask_jwt_extended, flask_jwt_extended.exceptions
from datetime import timedelta
PARAMS = {params!r}
app = flask.Flask("x")
manager = flask_jwt_extended.JWTManager(app)
print(json.dumps({
    "defaults": {k: v.total_seconds() if isinstance(v, timedelta) else v
                 for k, v in app.config.items() if k.startswith("JWT_")
                 and isinstance(v, (str, int, float, bool, list, tuple, timedelta, type(None)))},
    "names": sorted(set(dir(flask_jwt_extended)) | set(dir(manager))),
    "module": sorted(dir(flask_jwt_extended)), "manager": sorted(dir(manager)),
    "exceptions": sorted(dir(flask_jwt_extended.exceptions)),
    "params": {name: list(inspect.signature(getattr(flask_jwt_extended, name)).parameters)
               for name in PARAMS if hasattr(flask_jwt_extended, name)},
}))
'''


def in_venv(stack: str, code: str) -> dict[str, Any]:
    """Run `code` (it prints one JSON object on a line of its own) in a stack's interpreter."""
    done = subprocess.run([str(venv_python(stack)), "-c", code], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(next(line for line in done.stdout.splitlines() if line.startswith("{")))


@cache
def flask_jwt() -> dict[str, Any]:
    return in_venv("v1", FLASK_JWT)


# The functions whose keyword arguments the notes name.
PARAMS = ["create_access_token", "create_refresh_token", "jwt_required", "verify_jwt_in_request"]


@cache
def fje3() -> dict[str, Any]:
    return in_venv("fje3", FJE3.replace("{params!r}", repr(PARAMS)))


def seconds(value: Any) -> Any:
    return value.total_seconds() if isinstance(value, timedelta) else value


@cache
def fje4() -> dict[str, Any]:
    app = flask.Flask(__name__)
    app.config["JWT_SECRET_KEY"] = "k" * 32
    manager = JWTManager(app)
    statuses = set()
    with app.test_request_context():
        for name, callback in vars(default_callbacks).items():
            if name.startswith("default_") and name.endswith("_callback"):
                arguments = [{"sub": "1"}] * len(inspect.signature(callback).parameters)
                answer = callback(*arguments)
                if isinstance(answer, tuple):
                    statuses.add(int(answer[1]))
    app.add_url_rule("/p", view_func=flask_jwt_extended.jwt_required()(lambda: "ok"))
    with app.app_context():
        token = flask_jwt_extended.create_access_token(identity="1")
    lower = app.test_client().get("/p", headers={"Authorization": f"bearer {token}"})
    return {"defaults": {k: seconds(v) for k, v in app.config.items() if k.startswith("JWT_")},
            "lowercase_refused": lower.status_code != 200,
            "names": sorted(set(dir(flask_jwt_extended)) | set(dir(manager))
                            | set(inspect.signature(flask_jwt_extended.create_access_token)
                                  .parameters)
                            | set(inspect.signature(flask_jwt_extended.jwt_required)
                                  .parameters)),
            "exceptions": sorted(dir(flask_jwt_extended.exceptions)),
            "params": {name: list(inspect.signature(getattr(flask_jwt_extended, name)).parameters)
                       for name in PARAMS},
            "statuses": sorted(statuses)}
