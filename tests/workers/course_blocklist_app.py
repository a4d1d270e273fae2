"""The course's logout, kept with the tests as the failure it is (not a third app):

    BLACKLIST = set()   # in the course's app.py, still in its newest edition

A Python set lives in one worker's memory. Under gunicorn with two workers, a logout seen by
one worker is unknown to the other, which keeps accepting the token
(tests/workers/test_across_workers.py). v2 keeps revoked token ids in the shared store.
"""

import os

from flask import Flask
from flask_jwt_extended import JWTManager, create_access_token, get_jwt, jwt_required

BLOCKLIST: set[str] = set()

app = Flask(__name__)
app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]
jwt = JWTManager(app)


@jwt.token_in_blocklist_loader
def check_if_token_in_blocklist(_jwt_header: dict, jwt_payload: dict) -> bool:
    return jwt_payload["jti"] in BLOCKLIST


@app.post("/login")
def login():
    return {"access_token": create_access_token(identity="1")}


@app.post("/logout")
@jwt_required()
def logout():
    BLOCKLIST.add(get_jwt()["jti"])
    return {"message": "Successfully logged out."}


@app.get("/items")
@jwt_required(optional=True)
def items():
    return {"items": []}
