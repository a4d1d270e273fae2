"""The behaviour check for the course app: python behaviour.py <folder with app.py>.

Runs with whichever Flask-JWT-Extended the interpreter has (3.25.1 in .venv-fje3, 4.7 in
.venv-v2), drives the app through its test client, prints one line per step and exits 1 on
the first step that answers differently from what the course's API must answer.
"""

import json
import sys
from datetime import timedelta


def main(folder: str) -> int:
    sys.path.insert(0, folder)
    from app import app  # the app under test
    from flask_jwt_extended import create_access_token

    client = app.test_client()
    failures = 0

    def step(label, response, status, error=None):
        nonlocal failures
        body = response.get_json() or {}
        got = (response.status_code, body.get("error"))
        ok = got == (status, error)
        failures += not ok
        print(json.dumps([label, *got, "ok" if ok else f"EXPECTED {status} {error}"]))
        return body

    def auth(token):
        return {"Authorization": f"Bearer {token}"}

    bob = step("login bob (admin)", client.post("/login", json={
        "username": "bob", "password": "asdf"}), 200)
    rolf = step("login rolf", client.post("/login", json={
        "username": "rolf", "password": "qwerty"}), 200)
    step("login, wrong password", client.post("/login", json={
        "username": "rolf", "password": "nope"}), 401)
    step("items, anonymous", client.get("/items"), 200)
    step("create with a fresh token", client.post(
        "/item/chair", json={"price": 12.5}, headers=auth(bob["access_token"])), 201)
    step("read it", client.get("/item/chair", headers=auth(bob["access_token"])), 200)
    listed = step("items with a token", client.get("/items", headers=auth(rolf["access_token"])),
                  200)
    assert "message" not in listed, listed
    refreshed = step("refresh", client.post("/refresh", headers=auth(bob["refresh_token"])), 200)
    step("create with a refreshed token", client.post(
        "/item/lamp", json={"price": 3}, headers=auth(refreshed["access_token"])),
        401, "fresh_token_required")
    step("non-admin deletes", client.delete("/item/chair", headers=auth(rolf["access_token"])),
         401)
    step("admin deletes (refreshed token)", client.delete(
        "/item/chair", headers=auth(refreshed["access_token"])), 200)
    step("no token", client.get("/item/chair"), 401, "authorization_required")
    step("garbage token", client.get("/item/chair", headers=auth("garbage")), 401,
         "invalid_token")
    with app.test_request_context():
        expired = create_access_token(identity="1", expires_delta=timedelta(seconds=-60))
    step("expired token", client.get("/item/chair", headers=auth(expired)), 401,
         "token_expired")
    step("logout", client.post("/logout", headers=auth(rolf["access_token"])), 200)
    step("after logout", client.get("/item/chair", headers=auth(rolf["access_token"])), 401,
         "token_revoked")
    print(json.dumps(["failures", failures]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
