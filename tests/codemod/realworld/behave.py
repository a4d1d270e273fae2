"""python behave.py FOLDER MODULE: drive one small app of the corpus through its test client and
print one JSON line per step: [label, status, body] (tokens masked). Runs with whichever
Flask-JWT-Extended the interpreter has: 3.25.1 in .venv-fje3 on the original, 4.7 in .venv-v2 on
jwt_upgrade's output; the test compares the two outputs line for line."""

import importlib
import json
import sys

LOGIN = {"username": "test", "password": "test"}


def masked(body: object) -> object:
    if isinstance(body, dict):
        return {k: "<token>" if k.endswith("token") and isinstance(v, str) else masked(v)
                for k, v in body.items()}
    return body


def main(folder: str, module: str) -> int:
    sys.path.insert(0, folder)
    app = importlib.import_module(module).app
    app.config["TESTING"] = False  # errors as the app answers them, not raised
    client = app.test_client()

    def step(label: str, response) -> dict:
        body = response.get_json(silent=True) or {}
        print(json.dumps([label, response.status_code, masked(body)], sort_keys=True))
        return body

    def auth(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

    step("no token", client.get("/protected"))
    step("garbage token", client.get("/protected", headers=auth("garbage")))
    step("bad password", client.post("/login", json={"username": "test", "password": "x"}))
    tokens = step("login", client.post("/login", json=LOGIN))
    access, refresh = tokens.get("access_token", ""), tokens.get("refresh_token", "")
    for path in ("/protected", "/admin-only", "/partially-protected"):
        step(f"GET {path}", client.get(path, headers=auth(access)))
    if refresh:
        step("refresh", client.post("/refresh", headers=auth(refresh)))
        step("refresh with an access token", client.post("/refresh", headers=auth(access)))
        step("logout", client.delete("/logout", headers=auth(access)))
        step("after logout", client.get("/protected", headers=auth(access)))
        step("logout2 (refresh token)", client.delete("/logout2", headers=auth(refresh)))
        step("refresh after logout2", client.post("/refresh", headers=auth(refresh)))
    for name in ("nobody", "foo", "bar"):  # complex_objects_from_tokens' users and a stranger
        other = step(f"login {name}", client.post("/login", json={"username": name,
                                                                   "password": "test"}))
        if other.get("access_token"):
            step(f"{name}'s admin-only", client.get("/admin-only",
                                                    headers=auth(other["access_token"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
