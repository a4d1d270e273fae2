"""The symptoms learners hit (migration_notes.md, "Pitfalls"), reproduced on the v2 stack."""

import importlib.metadata

import flask
import jwt
import pytest
from flask_jwt_extended import JWTManager, create_access_token, jwt_required
from flask_restful import Api, Resource, reqparse


def test_pyjwt_2_encode_returns_str_so_flask_jwt_auth_would_crash():
    token = jwt.encode({"identity": 1}, "k" * 32, algorithm="HS256")
    assert isinstance(token, str)
    with pytest.raises(AttributeError, match="'str' object has no attribute 'decode'"):
        token.decode("utf-8")  # what Flask-JWT's auth_response_handler does


def test_request_ctx_stack_is_gone_in_flask_3():
    with pytest.raises(ImportError, match="cannot import name '_request_ctx_stack'"):
        from flask import _request_ctx_stack  # noqa: F401


def test_before_first_request_is_gone_in_flask_3():
    with pytest.raises(AttributeError, match="before_first_request"):
        flask.Flask(__name__).before_first_request  # noqa: B018


def test_safe_str_cmp_is_gone():
    with pytest.raises(ImportError, match="cannot import name 'safe_str_cmp'"):
        from werkzeug.security import safe_str_cmp  # noqa: F401


def test_reqparse_refuses_a_form_body_with_415():
    app = flask.Flask(__name__)
    parser = reqparse.RequestParser()
    parser.add_argument("username", type=str, required=True, help="This field cannot be blank.")

    class Register(Resource):
        def post(self):
            return parser.parse_args()

    Api(app).add_resource(Register, "/register")
    response = app.test_client().post("/register", data={"username": "bob"})
    assert response.status_code == 415
    assert response.get_json() == {"message": "Did not attempt to load JSON data because the "
                                   "request Content-Type was not 'application/json'."}


def test_v1_prefix_at_a_default_v2_app(secret_key):
    app = flask.Flask(__name__)
    app.config["JWT_SECRET_KEY"] = secret_key
    JWTManager(app)
    app.add_url_rule("/p", view_func=jwt_required()(lambda: "ok"))
    with app.app_context():
        token = create_access_token(identity="1")
    response = app.test_client().get("/p", headers={"Authorization": f"JWT {token}"})
    assert response.status_code == 401
    assert response.get_json() == {"msg": "Missing 'Bearer' type in 'Authorization' header. "
                                          "Expected 'Authorization: Bearer <JWT>'"}


def test_one_distribution_provides_the_jwt_module():
    """A second 'jwt' package (or Flask-JWT's PyJWT 1.x beside 2.x) in one environment is
    what makes 'cannot import name DecodeError from jwt'; each venv has exactly one."""
    assert importlib.metadata.packages_distributions()["jwt"] == ["PyJWT"]
    assert hasattr(jwt, "DecodeError")
