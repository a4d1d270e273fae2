"""The "log in" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("login", "log in", "Log in (v1 POST /auth, v2 POST /login)",
          v1=answer(200), v2=answer(200),
          lesson="v1 gets one 5-minute token from Flask-JWT's built-in /auth; v2's own /login "
                 "returns a fresh 15-minute access token and a 30-day refresh token.")
def _(w: World, me: AppClient) -> Exchange:
    return me.login(w.register(me).name, PASSWORD)


@scenario("login_wrong_password", "log in", "Log in with a wrong password",
          v1=answer(401, "invalid_credentials"), v2=answer(401, "invalid_credentials"),
          lesson="Same answer as for an unknown user, in the same time.")
def _(w: World, me: AppClient) -> Exchange:
    return me.login(w.register(me).name, "wrong password")


@scenario("login_unknown_user", "log in", "Log in as a user who does not exist",
          v1=answer(401, "invalid_credentials"), v2=answer(401, "invalid_credentials"))
def _(w: World, me: AppClient) -> Exchange:
    return me.login(f"ghost{w.run_id}", PASSWORD)


@scenario("login_bad_body", "log in", "Log in with a non-JSON body",
          v1=answer(400, "validation_error"), v2=answer(400, "validation_error"),
          lesson="Flask-JWT's /auth crashed (500) on this; v1 now checks the body first.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("POST", me.login_path, raw_body="username=bob",
                      content_type="application/x-www-form-urlencoded")
