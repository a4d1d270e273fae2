"""The "error callbacks" chapter of the scenario catalogue."""

from sidebyside.clients import AppClient, Exchange
from sidebyside.scenarios.base import PASSWORD, World, answer, scenario


@scenario("garbage_token", "error callbacks", "A token that is not a JWT",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Flask-JWT-Extended says 422 by default; invalid_token_loader makes it 401.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything", token="garbage")


@scenario("whitespace_header", "error callbacks", "An Authorization header of spaces",
          v1=answer(401, "authorization_required"), v2=answer(401, "authorization_required"),
          lesson="Flask-JWT's own header parser crashed (500) here.")
def _(w: World, me: AppClient) -> Exchange:
    return me.request("GET", "/item/anything", headers={"Authorization": "   "})


@scenario("tampered_token", "error callbacks", "Change the user in a token, keep the signature",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    victim = w.register(me)
    token = me.tokens(w.register(me).name, PASSWORD).access
    header, _, signature = token.split(".")
    forged_payload = me.forge(me.claims(victim.id)).split(".")[1]
    return me.request("GET", "/item/anything", token=f"{header}.{forged_payload}.{signature}")


@scenario("alg_none", "error callbacks", "An unsigned token (alg: none)",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    from sidebyside.tokens import segment

    user = w.register(me)
    token = f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(me.claims(user.id))}."
    return me.request("GET", "/item/anything", token=token)


@scenario("expired_outside_leeway", "error callbacks", "A token expired a minute ago",
          v1=answer(401, "token_expired"), v2=answer(401, "token_expired"))
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.request("GET", "/item/anything",
                      token=me.forge(me.claims(user.id, age=360, lifetime=300)))


@scenario("expired_inside_leeway", "error callbacks", "A token expired 5 seconds ago",
          v1=answer(200), v2=answer(401, "token_expired"), verdict="differs",
          reason="Flask-JWT allows 10 s of clock leeway (JWT_LEEWAY); Flask-JWT-Extended "
                 "none (JWT_DECODE_LEEWAY=0)",
          lesson="Set JWT_DECODE_LEEWAY if your clients' clocks drift.")
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    return me.request("GET", f"/item/{w.stock_item()}",
                      token=me.forge(me.claims(user.id, age=305, lifetime=300)))


@scenario("not_yet_valid", "error callbacks", "A token whose nbf is an hour away",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"))
def _(w: World, me: AppClient) -> Exchange:
    user = w.register(me)
    claims = me.claims(user.id)
    claims["nbf"] += 3600
    return me.request("GET", "/item/anything", token=me.forge(claims))


@scenario("other_apps_token", "error callbacks", "A token issued by the other app",
          v1=answer(401, "invalid_token"), v2=answer(401, "invalid_token"),
          lesson="Each app has its own secret: no cross-app token, and no 500 either.")
def _(w: World, me: AppClient) -> Exchange:
    other = w.other(me)
    token = other.tokens(w.register(other).name, PASSWORD).access
    return me.request("GET", "/item/anything", token=token)


def browser_login(w: World, me: AppClient) -> tuple[Exchange, dict[str, str]]:
    """POST /browser/login (v2's page logs in there; v1 has no cookies at all): the answer,
    and the cookies it set, by name."""
    user = w.register(me)
    login = me.request("POST", "/browser/login",
                       json_body={"username": user.name, "password": PASSWORD})
    jar = dict(c.split(";", 1)[0].split("=", 1) for c in login.set_cookies)
    if login.status == 200 and not {"__Host-access_token", "__Host-csrf_access_token"} <= set(jar):
        raise AssertionError(f"POST /browser/login set the cookies {sorted(jar)}, not "
                             "__Host-access_token and __Host-csrf_access_token")
    return login, jar


@scenario("cookie_write_without_csrf", "error callbacks",
          "Write with the login cookie, without the X-CSRF-TOKEN header",
          v1=answer(404, "not_found"), v2=answer(403, "csrf_token_missing"), verdict="v2_only",
          reason="Flask-JWT reads only the Authorization header: a browser keeps its token "
                 "in JavaScript, and there is no cookie to ride along",
          lesson="A cookie is sent by the browser on its own: every write must also prove it "
                 "comes from our page (the CSRF cookie's value in X-CSRF-TOKEN).")
def _(w: World, me: AppClient) -> Exchange:
    login, jar = browser_login(w, me)
    if login.status != 200:
        return login
    return me.request("POST", f"/item/csrf{w.run_id}{me.name}", json_body={"price": 1},
                      headers={"Cookie": f"__Host-access_token={jar['__Host-access_token']}"})


@scenario("cross_site_form_with_cookie", "error callbacks",
          "A cross-site form POST that carries the login cookie (a browser without SameSite)",
          v1=answer(404, "not_found"), v2=answer(403, "csrf_token_missing"), verdict="v2_only",
          reason="no cookie login in Flask-JWT")
def _(w: World, me: AppClient) -> Exchange:
    login, jar = browser_login(w, me)
    if login.status != 200:
        return login
    # What a form on another site sends: text/plain, its own Origin, the cookie, no header.
    return me.request("POST", f"/item/form{w.run_id}{me.name}", raw_body='{"price": 1, "x": "="}',
                      content_type="text/plain",
                      headers={"Origin": "http://localhost:8000",
                               "Cookie": f"__Host-access_token={jar['__Host-access_token']}"})
