"""In-process clients for the app of this interpreter's stack (v1 in .venv-v1, v2 in .venv-v2).

Only what the JWT library dictates differs: where to log in and the header prefix."""

from dataclasses import dataclass
from itertools import count

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared import Store
from tests.conftest import STACK, opened

if STACK == "v1":
    from v1_basic_jwt.app import create_app

    LOGIN_PATH, PREFIX = "/auth", "JWT"
else:
    from v2_jwt_extended.app import create_app

    LOGIN_PATH, PREFIX = "/login", "Bearer"

PASSWORD = "password123"
_names = count(1)


@dataclass
class Api:
    app: Flask
    client: FlaskClient
    secret: str

    @property
    def store(self) -> Store:
        return self.app.extensions["store"]

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"{PREFIX} {token}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def register(self, name: str | None = None, password: str = PASSWORD) -> tuple[str, int]:
        name = name or f"user{next(_names)}"
        response = self.call("POST", "/register", json={"username": name, "password": password})
        assert response.status_code == 201, response.get_json()
        return name, response.get_json()["id"]

    def login(self, name: str, password: str = PASSWORD) -> str:
        response = self.call("POST", LOGIN_PATH, json={"username": name, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()["access_token"]

    def user_token(self, admin: bool = False) -> tuple[int, str]:
        name, user_id = self.register()
        if admin:
            self.store.set_admin(name, True)
        return user_id, self.login(name)


def make_app(db_url: str, secret: str, **config) -> Flask:
    app = create_app({"DATABASE_URL": db_url, "JWT_SECRET_KEY": secret,
                      "CHEAP_PASSWORD_HASHING_FOR_TESTS": True, **config})
    opened(app.extensions["store"])  # closed after the test (tests/conftest.py)
    return app


@pytest.fixture
def api(db_url: str, secret_key: str) -> Api:
    # Production configuration: TESTING and PROPAGATE_EXCEPTIONS stay off, as under a real
    # server, so that a Flask-RESTful 500 shows up here as a 500.
    app = make_app(db_url, secret_key)
    return Api(app, app.test_client(), secret_key)
