"""What an outside fact-check of migration_notes.md asked to be shown exactly (issue 19): each
test shows one claim, in the stack it is about. The Flask-JWT-Extended 3.25.1 claims run in
.venv-fje3 (a subprocess), the 4.7 ones here."""

import json
import subprocess
import textwrap
from datetime import timedelta

import flask
import jwt
import pytest
from flask_jwt_extended import (
    JWTManager,
    create_access_token,
    create_refresh_token,
    decode_token,
    get_jwt,
    get_jwt_header,
    get_jwt_identity,
    jwt_required,
)
from flask_restful import Api, Resource

from sidebyside.servers import venv_python

KEY = "k" * 32


def bare(**config) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config.update(JWT_SECRET_KEY=KEY, **config)
    return app


def token(app: flask.Flask, **kw) -> str:
    with app.app_context():
        return create_access_token(identity="1", **kw)


def on_fje3(code: str) -> dict:
    """Run `code` (which prints one JSON object) with Flask-JWT-Extended 3.25.1."""
    done = subprocess.run([str(venv_python("fje3")), "-c", textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


FJE3_APP = """
import json
from flask import Flask
from flask_jwt_extended import JWTManager, create_access_token, jwt_required, get_jwt_identity
app = Flask("x")
app.config["JWT_SECRET_KEY"] = "k" * 32
jwt = JWTManager(app)
@app.route("/p")
@jwt_required
def p():
    return {"me": get_jwt_identity()}
client = app.test_client()
"""


# --- the new 4.x names do what the 3.x -> 4.x rows say -----------------------------------

def test_the_4x_names_replace_the_3x_ones_as_the_rows_say():
    app = bare()
    JWTManager(app).additional_claims_loader(lambda identity: {"is_admin": identity == "1"})

    @app.get("/maybe")
    @jwt_required(optional=True)
    def maybe():  # replaces @jwt_optional
        return {"me": get_jwt_identity()}

    @app.get("/inside")
    @jwt_required()
    def inside():  # get_raw_jwt_header -> get_jwt_header, get_jwt_claims -> get_jwt
        return {"header": get_jwt_header(), "is_admin": get_jwt()["is_admin"]}

    client, access = app.test_client(), token(app)
    assert client.get("/maybe").get_json() == {"me": None}
    assert client.get("/maybe", headers={"Authorization": f"Bearer {access}"}).get_json() == {
        "me": "1"}
    inside_ = client.get("/inside", headers={"Authorization": f"Bearer {access}"}).get_json()
    assert inside_ == {"header": {"alg": "HS256", "typ": "JWT"}, "is_admin": True}


def test_a_blocklist_loader_alone_turns_revocation_on():
    """JWT_BLACKLIST_ENABLED is gone: registering the loader is what enables the check."""
    app = bare()
    JWTManager(app).token_in_blocklist_loader(lambda header, payload: True)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    answer = app.test_client().get("/p", headers={"Authorization": f"Bearer {token(app)}"})
    assert (answer.status_code, answer.get_json()) == (401, {"msg": "Token has been revoked"})


def test_jwt_decode_audience_is_enforced_on_4x():
    app = bare(JWT_DECODE_AUDIENCE="my-api")
    JWTManager(app)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    client = app.test_client()
    assert client.get("/p", headers={"Authorization": f"Bearer {token(app)}"}).status_code == 422
    app.config["JWT_ENCODE_AUDIENCE"] = "my-api"
    assert client.get("/p", headers={"Authorization": f"Bearer {token(app)}"}).status_code == 200


def test_jwt_decode_audience_exists_in_3_25_1_and_jwt_verify_audience_is_never_read():
    """Not a 4.0 rename: JWT_DECODE_AUDIENCE came in 3.14; 3.25.1 never reads
    JWT_VERIFY_AUDIENCE; JWT_CSRF_HEADER_NAME already warns there."""
    got = on_fje3(FJE3_APP + """
import warnings
app.config["JWT_DECODE_AUDIENCE"] = "my-api"
with app.app_context():
    t = create_access_token(identity="1")
with_aud = client.get("/p", headers={"Authorization": "Bearer " + t}).status_code
app.config["JWT_DECODE_AUDIENCE"] = None
app.config["JWT_VERIFY_AUDIENCE"] = True
verify = client.get("/p", headers={"Authorization": "Bearer " + t}).status_code
import flask_jwt_extended.config as c, inspect
reads_verify = "JWT_VERIFY_AUDIENCE" in inspect.getsource(c)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    app.config["JWT_CSRF_HEADER_NAME"] = "X-CSRF"
    with app.app_context():
        from flask_jwt_extended.config import config
        config.csrf_header_name if hasattr(config, "csrf_header_name") else None
        config.access_csrf_header_name
print(json.dumps({"with_aud": with_aud, "verify": verify, "reads_verify": reads_verify,
                  "csrf_warned": any("JWT_CSRF_HEADER_NAME" in str(w.message) for w in caught)}))
""")
    assert got == {"with_aud": 422, "verify": 200, "reads_verify": False, "csrf_warned": True}


def test_the_default_token_verification_failure_is_a_400():
    app = bare()
    JWTManager(app).token_verification_loader(lambda header, payload: False)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    answer = app.test_client().get("/p", headers={"Authorization": f"Bearer {token(app)}"})
    assert (answer.status_code, answer.get_json()) == (400, {
        "msg": "User claims verification failed"})


def test_the_librarys_refresh_default_is_30_days():
    app = bare()
    JWTManager(app)
    with app.app_context():
        claims = decode_token(create_refresh_token(identity="1"))
    assert claims["exp"] - claims["iat"] == 30 * 24 * 3600


@pytest.mark.parametrize(("options", "kind"), [
    ({}, "access"), ({"optional": True}, "access"), ({"fresh": True}, "access"),
    ({"refresh": True}, "refresh"), ({"verify_type": False}, "refresh")])
def test_an_int_identity_is_a_422_response_on_every_use(options, kind):
    """Every kind of protected view (required, optional, fresh, refresh, logout's
    verify_type=False), with the token it takes: the same 422."""
    app = bare()
    JWTManager(app)
    app.add_url_rule("/p", view_func=jwt_required(**options)(lambda: "ok"))
    with app.app_context():  # both encode without a word
        int_token = (create_access_token(identity=1, fresh=True) if kind == "access"
                     else create_refresh_token(identity=1))
        str_token = (create_access_token(identity="1", fresh=True) if kind == "access"
                     else create_refresh_token(identity="1"))
    client = app.test_client()
    answer = client.get("/p", headers={"Authorization": f"Bearer {int_token}"})
    assert (answer.status_code, answer.get_json()) == (422, {"msg": "Subject must be a string"})
    assert client.get("/p", headers={"Authorization": f"Bearer {str_token}"}).status_code == 200


# --- bare @jwt_required on the course's Flask-RESTful Resources ---------------------------

class WithUrlArgument(Resource):
    @jwt_required  # 3.x spelling: no brackets
    def get(self, name):
        return {"name": name}


class WithoutArguments(Resource):
    @jwt_required
    def get(self):
        return {"ok": True}


@pytest.mark.parametrize(("path", "error"), [
    ("/item/chair", "wrapper() got an unexpected keyword argument 'name'"),
    ("/items", "Object of type function is not JSON serializable"),
])
def test_bare_jwt_required_on_a_resource_is_a_500_before_any_auth_check(path, error):
    app = bare(PROPAGATE_EXCEPTIONS=True)  # the course's setting: see the exception itself
    JWTManager(app)
    api = Api(app)
    api.add_resource(WithUrlArgument, "/item/<string:name>")
    api.add_resource(WithoutArguments, "/items")
    with pytest.raises(TypeError, match=error.replace("(", r"\(").replace(")", r"\)")):
        app.test_client().get(path)  # no token at all, and no 401
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get(path).status_code == 500


# --- loader signatures --------------------------------------------------------------------

def test_a_one_argument_expired_callback_fails_on_4x():
    app = bare(PROPAGATE_EXCEPTIONS=True)
    JWTManager(app).expired_token_loader(lambda expired_token: ({"msg": "expired"}, 401))
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    expired = token(app, expires_delta=timedelta(seconds=-60))
    with pytest.raises(TypeError, match="takes 1 positional argument but 2 were given"):
        app.test_client().get("/p", headers={"Authorization": f"Bearer {expired}"})


def test_3_25_1_expired_callback_takes_one_argument_and_zero_still_works():
    got = on_fje3(FJE3_APP + """
from datetime import timedelta
with app.app_context():
    t = create_access_token(identity="1", expires_delta=timedelta(seconds=-60))
seen = []
@jwt.expired_token_loader
def one(expired_token):
    seen.append(expired_token["type"])
    return {"msg": "one"}, 401
first = client.get("/p", headers={"Authorization": "Bearer " + t}).get_json()
jwt.expired_token_loader(lambda: ({"msg": "zero"}, 401))
second = client.get("/p", headers={"Authorization": "Bearer " + t}).get_json()
print(json.dumps({"one": first, "seen": seen, "zero": second}))
""")
    assert got == {"one": {"msg": "one"}, "seen": ["access"], "zero": {"msg": "zero"}}


def test_a_reversed_decode_key_loader_that_reads_the_header_is_a_500():
    app = bare(PROPAGATE_EXCEPTIONS=True)
    manager = JWTManager(app)
    access = token(app)

    @manager.decode_key_loader
    def key(claims, headers):  # the 3.x order; 4.x passes (jwt_header, jwt_payload)
        return KEY if headers["typ"] == "JWT" else "other"

    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    with pytest.raises(KeyError, match="typ"):
        app.test_client().get("/p", headers={"Authorization": f"Bearer {access}"})


# --- header type, key length ----------------------------------------------------------------

def test_jwt_header_type_jwt_matches_its_exact_case_and_shuts_out_bearer():
    app = bare(JWT_HEADER_TYPE="JWT")
    JWTManager(app)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    client, access = app.test_client(), token(app)
    statuses = {scheme: client.get("/p", headers={"Authorization": f"{scheme} {access}"})
                .status_code for scheme in ("JWT", "jwt", "Bearer")}
    assert statuses == {"JWT": 200, "jwt": 401, "Bearer": 401}


def test_a_wrong_or_lowercase_prefix_is_401_on_4x_and_422_on_3_25_1():
    app = bare()
    JWTManager(app)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    access = token(app)
    on_4x = {p: app.test_client().get("/p", headers={"Authorization": f"{p} {access}"})
             .status_code for p in ("JWT", "bearer")}
    on_3x = on_fje3(FJE3_APP + """
with app.app_context():
    t = create_access_token(identity="1")
answers = {p: client.get("/p", headers={"Authorization": p + " " + t}) for p in ("JWT", "bearer")}
print(json.dumps({p: [a.status_code, a.get_json()["msg"]] for p, a in answers.items()}))
""")
    assert on_4x == {"JWT": 401, "bearer": 401}
    assert on_3x == {p: [422, "Bad Authorization header. Expected value 'Bearer <JWT>'"]
                     for p in ("JWT", "bearer")}


def test_the_short_key_warning_in_full():
    app = bare()
    app.config["JWT_SECRET_KEY"] = "jose"
    JWTManager(app)
    with app.app_context(), pytest.warns(jwt.warnings.InsecureKeyLengthWarning) as caught:
        create_access_token(identity="1")
    assert str(caught[0].message) == (
        "The HMAC key is 4 bytes long, which is below the minimum recommended length of 32 "
        "bytes for SHA256. See RFC 7518 Section 3.2.")


def test_every_pyjwt_has_decode_error():
    """`cannot import name 'DecodeError' from 'jwt'` is not PyJWT 1 beside PyJWT 2 (one
    distribution, and both versions have it): see the pitfall row."""
    assert jwt.DecodeError.__module__ == "jwt.exceptions"
    got = subprocess.run([str(venv_python("v1")), "-c",
                          "import jwt; print(jwt.__version__, jwt.DecodeError.__name__)"],
                         capture_output=True, text=True, timeout=60)
    assert got.stdout.split() == ["1.7.1", "DecodeError"]


@pytest.mark.parametrize(("missing", "status"), [("exp", 200), ("iat", 200), ("nbf", 200),
                                                 ("sub", 422)])
def test_only_the_identity_claim_is_required_on_4x(missing, status):
    app = bare()
    JWTManager(app)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    claims = jwt.decode(token(app), KEY, algorithms=["HS256"])
    del claims[missing]
    forged = jwt.encode(claims, KEY, algorithm="HS256")
    assert app.test_client().get("/p", headers={
        "Authorization": f"Bearer {forged}"}).status_code == status


def test_verify_jwt_in_request_takes_fresh_and_refresh_too():
    from flask_jwt_extended import verify_jwt_in_request
    from flask_jwt_extended.exceptions import FreshTokenRequired, WrongTokenError

    app = bare()
    JWTManager(app)
    with app.app_context():
        stale = create_access_token(identity="1", fresh=False)
        refresh = create_refresh_token(identity="1")
    with app.test_request_context(headers={"Authorization": f"Bearer {stale}"}), \
            pytest.raises(FreshTokenRequired):
        verify_jwt_in_request(fresh=True)  # 3.x verify_fresh_jwt_in_request()
    with app.test_request_context(headers={"Authorization": f"Bearer {refresh}"}):
        verify_jwt_in_request(refresh=True)  # 3.x verify_jwt_refresh_token_in_request()
        assert get_jwt()["type"] == "refresh"
    with app.test_request_context(headers={"Authorization": f"Bearer {stale}"}), \
            pytest.raises(WrongTokenError):
        verify_jwt_in_request(refresh=True)


# --- the 3.x names that are an ImportError on 4.7 -------------------------------------------

REMOVED_3X_FUNCTIONS = ["verify_jwt_in_request_optional", "verify_fresh_jwt_in_request",
                        "verify_jwt_refresh_token_in_request", "get_raw_jwt"]


@pytest.mark.parametrize("name", REMOVED_3X_FUNCTIONS)
def test_a_removed_3x_function_is_an_import_error_on_4x(name):
    with pytest.raises(ImportError, match=f"cannot import name '{name}' from 'flask_jwt_extended'"):
        exec(f"from flask_jwt_extended import {name}", {})


def test_the_removed_functions_exist_on_3_25_1():
    got = on_fje3(f"""
import json, flask_jwt_extended
print(json.dumps({{name: callable(getattr(flask_jwt_extended, name, None))
                  for name in {REMOVED_3X_FUNCTIONS!r}}}))
""")
    assert got == dict.fromkeys(REMOVED_3X_FUNCTIONS, True)


def test_get_raw_jwt_outside_a_protected_view_is_empty_on_3_25_1():
    """The 3.x half of the row; the 4.x half (get_jwt() raises RuntimeError) is
    tests/v2/test_migration_api.py::test_get_jwt_outside_a_protected_view_raises."""
    got = on_fje3(FJE3_APP + """
from flask_jwt_extended import get_raw_jwt
with app.test_request_context("/"):
    in_request = get_raw_jwt()
with app.app_context():
    in_app = get_raw_jwt()
print(json.dumps({"in_request": in_request, "in_app": in_app}))
""")
    assert got == {"in_request": {}, "in_app": {}}
    app = bare()
    JWTManager(app)
    with app.test_request_context("/"), pytest.raises(RuntimeError):
        get_jwt()


def test_user_identity_loader_writes_what_flask_jwt_wrote_itself():
    """Flask-JWT's payload handler put the user's id in the token (`identity`); in 4.x
    user_identity_loader decides what goes in `sub` (and user_lookup_loader reads it back)."""
    app = bare()
    JWTManager(app).user_identity_loader(lambda user: str(user.id))
    user = type("U", (), {"id": 7})()
    with app.app_context():
        claims = decode_token(create_access_token(identity=user))
    assert claims["sub"] == "7" and "identity" not in claims
