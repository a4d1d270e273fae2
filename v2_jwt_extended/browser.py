"""In the browser: the tokens live in httpOnly cookies that no script in the page can read,
with Flask-JWT-Extended's double-submit CSRF protection (a write sends the value of a
readable CSRF cookie in X-CSRF-TOKEN; the same value is a claim inside the signed token).
API clients keep sending `Authorization: Bearer`; nothing changes for them.

GET /app serves page.html, which uses it: POST /browser/login, /browser/refresh and
/browser/logout. The refresh cookie goes to /browser/... only: no script can have POST /refresh
(which answers with a token in its body) use it.
"""

from pathlib import Path

from flask import Flask, Response, jsonify, request
from flask_jwt_extended import (
    jwt_required,
    set_access_cookies,
    set_refresh_cookies,
    unset_jwt_cookies,
)
from flask_restful import Api, Resource

from api_common import error_response
from v2_jwt_extended.blocklist import revoke_current_login
from v2_jwt_extended.resources.user import TokenRefresh, UserLogin

# Flask-JWT-Extended's defaults meet only HttpOnly (ASVS 5.0 V3.3); each line below is set
# on purpose. Browsers accept Secure cookies on http://127.0.0.1 (loopback is trustworthy).
COOKIE_SETTINGS = {
    "JWT_TOKEN_LOCATION": ["headers", "cookies"],
    # __Host-: Secure, Path=/ and no Domain, so no other site or subdomain can plant one.
    "JWT_ACCESS_COOKIE_NAME": "__Host-access_token",
    "JWT_ACCESS_CSRF_COOKIE_NAME": "__Host-csrf_access_token",
    # Sent to /browser/... only: the 30-day token rides along on nothing else, and never to
    # POST /refresh, whose answer a script could read. A path other than / cannot be __Host-.
    "JWT_REFRESH_COOKIE_NAME": "__Secure-refresh_token",
    "JWT_REFRESH_COOKIE_PATH": "/browser",
    "JWT_REFRESH_CSRF_COOKIE_NAME": "__Host-csrf_refresh_token",
    "JWT_COOKIE_SECURE": True,
    # The default (None) sets no SameSite, and Chromium then still sends the cookie on a
    # cross-site top-level POST for about two minutes after it was set (measured); Lax
    # refuses it at once. The CSRF check stays the second line.
    "JWT_COOKIE_SAMESITE": "Lax",
    "JWT_COOKIE_CSRF_PROTECT": True,
}
OUR_COOKIES = {COOKIE_SETTINGS[name] for name in COOKIE_SETTINGS if name.endswith("_NAME")}
CSRF_ERRORS = {
    "Missing CSRF token": (
        "csrf_token_missing",
        "A write with the login cookie needs the header X-CSRF-TOKEN: send the value of the "
        "__Host-csrf_access_token cookie (__Host-csrf_refresh_token for /browser/refresh)."),
    "CSRF double submit tokens do not match": (
        "csrf_token_mismatch",
        "The X-CSRF-TOKEN header is not this login's: read the __Host-csrf_access_token "
        "cookie again (it changes at every login and refresh)."),
}
PAGE = Path(__file__).with_name("page.html")


def csrf_error(reason: str) -> Response | None:
    """403 for a cookie's write without the double submit (the user is known, the request is
    not proven to come from our page); None for any other unauthorized reason."""
    if reason not in CSRF_ERRORS:
        return None
    code, message = CSRF_ERRORS[reason]
    return error_response(403, code, message)


class BrowserLogin(Resource):
    def post(self):
        tokens = UserLogin().post()  # the same checks, throttle and tokens as POST /login
        response = jsonify(message="Logged in: your tokens are in httpOnly cookies.")
        set_access_cookies(response, tokens["access_token"])
        set_refresh_cookies(response, tokens["refresh_token"])
        return response


class BrowserRefresh(Resource):
    @jwt_required(refresh=True, locations=["cookies"])
    def post(self):
        # POST /refresh's own view (undecorated: it reads headers only), on the refresh
        # cookie; the new access token goes into its cookie, never into a body.
        renewed = TokenRefresh.post.__wrapped__(TokenRefresh())
        response = jsonify(message="Refreshed: a new (non-fresh) access token is in its cookie.")
        set_access_cookies(response, renewed["access_token"])
        return response


class BrowserLogout(Resource):
    # The refresh cookie, not the access one: logging out still works once the 15-minute
    # access cookie has expired, and revokes the login (every token with its refresh_jti).
    @jwt_required(refresh=True, locations=["cookies"])
    def post(self):
        revoke_current_login()
        return {"message": "Successfully logged out."}


def page() -> Response:
    response = Response(PAGE.read_text(), mimetype="text/html")
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response


def cookie_settings(app: Flask) -> None:
    """Before JWTManager(app) sets its defaults; a caller's own settings win."""
    for name, value in COOKIE_SETTINGS.items():
        app.config.setdefault(name, value)


def init_browser(app: Flask, api: Api) -> None:
    api.add_resource(BrowserLogin, "/browser/login")
    api.add_resource(BrowserRefresh, "/browser/refresh")
    api.add_resource(BrowserLogout, "/browser/logout")
    app.add_url_rule("/app", "page", page)

    @app.before_request
    def _csrf_header_is_ascii():
        # Flask-JWT-Extended compares it with hmac.compare_digest, a TypeError (500) for
        # non-ASCII text: no CSRF value of ours is.
        sent = request.headers.get("X-CSRF-TOKEN")
        if sent is not None and not sent.isascii():
            return csrf_error("CSRF double submit tokens do not match")
        return None

    @app.after_request
    def _logout_clears_cookies(response: Response) -> Response:
        # Whatever /logout answered (a revoked or expired cookie too): the browser forgets.
        if request.endpoint in ("userlogout", "browserlogout") and \
                OUR_COOKIES & request.cookies.keys():
            unset_jwt_cookies(response)
        return response
