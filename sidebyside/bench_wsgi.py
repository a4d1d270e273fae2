"""The app of one stack plus a bare Flask-RESTful endpoint, for `make bench` only.

gunicorn 'sidebyside.bench_wsgi:create_app("v1")' (from .venv-v1), or "v2" from .venv-v2.
The bare endpoint (no auth, no database) is the ceiling each stack's protected path is
measured against.
"""

from flask import Flask
from flask_restful import Resource

from api_common import JsonErrorApi


class Bare(Resource):
    def get(self):
        return {"ok": True}


def create_app(stack: str) -> Flask:
    if stack == "v1":
        from v1_basic_jwt.app import create_app as factory
    else:
        from v2_jwt_extended.app import create_app as factory
    app = factory()
    JsonErrorApi(app).add_resource(Bare, "/bench/bare")
    return app
