"""The "logout" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("logout", "logout", "Log out", v1=answer(404, "not_found"), v2=answer(200),
          verdict="v2_only", reason="Flask-JWT cannot revoke a token",
          lesson="v2 revokes the access AND the refresh token of that login.")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    return me.request("POST", "/logout", token=token)


@scenario("token_after_logout", "logout", "Use the access token after logging out",
          v1=answer(200), v2=answer(401, "token_revoked"), verdict="differs",
          reason="v1 has no logout: its token works until it expires")
def _(w: World, me: AppClient) -> Exchange:
    token = me.tokens(w.register(me).name, PASSWORD).access
    me.request("POST", "/logout", token=token)
    return me.request("GET", f"/item/{w.stock_item()}", token=token)


@scenario("refresh_after_logout", "logout", "Use the refresh token after logging out",
          v1=None, v2=answer(401, "token_revoked"), verdict="v2_only",
          reason="v1 issues no refresh tokens",
          lesson="Revoking only the access token would let /refresh mint a new one.",
          points=2)
def _(w: World, me: AppClient) -> Exchange:
    tokens = me.tokens(w.register(me).name, PASSWORD)
    me.request("POST", "/logout", token=tokens.access)
    return me.request("POST", "/refresh", token=tokens.refresh)


@scenario("logout_clears_cookies", "logout",
          "Log out from the browser once the access cookie expired: login revoked, cookies cleared",
          v1=answer(404, "not_found"), v2=answer(200), verdict="v2_only",
          reason="no cookie login in Flask-JWT")
def _(w: World, me: AppClient) -> Exchange:
    from sidebyside.scenarios.error_callbacks import browser_login

    login, jar = browser_login(w, me)
    if login.status != 200:
        return login
    # Only the refresh cookie and its CSRF value: what a page sends after 15 idle minutes.
    logout = me.request("POST", "/browser/logout", headers={
        "Cookie": f"__Secure-refresh_token={jar['__Secure-refresh_token']}",
        "X-CSRF-TOKEN": jar["__Host-csrf_refresh_token"]})
    cleared = {c.split("=", 1)[0] for c in logout.set_cookies
               if c.split(";", 1)[0].endswith("=") and "Expires=Thu, 01 Jan 1970" in c}
    if logout.status == 200 and cleared != set(jar):
        raise AssertionError(f"logout cleared {sorted(cleared)}, not every cookie {sorted(jar)}")
    if logout.status == 200 and me.request("GET", "/items", token=jar["__Host-access_token"]
                                           ).error != "token_revoked":
        raise AssertionError("the login's access token still works after the logout")
    return logout
