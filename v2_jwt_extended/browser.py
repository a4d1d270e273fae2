"""In the browser: the tokens live in httpOnly cookies that no script in the page can read,
with Flask-JWT-Extended's double-submit CSRF protection (a write sends the value of a
readable CSRF cookie in X-CSRF-TOKEN; the same value is a claim inside the signed token).
API clients keep sending `Authorization: Bearer`; nothing changes for them.

GET /app serves page.html, which uses it: POST /login/browser, /refresh/browser, /logout.
"""

from pathlib import Path

from flask import Flask, Response, jsonify, request
from flask_jwt_extended import set_access_cookies, set_refresh_cookies, unset_jwt_cookies
from flask_restful import Api, Resource

from api_common import error_response
from v2_jwt_extended.resources.user import TokenRefresh, UserLogin

# Flask-JWT-Extended's defaults meet only HttpOnly (ASVS 5.0 V3.3); each line below is set
# on purpose. Browsers accept Secure cookies on http://127.0.0.1 (loopback is trustworthy).
COOKIE_SETTINGS = {
    "JWT_TOKEN_LOCATION": ["headers", "cookies"],
    # __Host-: Secure, Path=/ and no Domain, so no other site or subdomain can plant one.
    "JWT_ACCESS_COOKIE_NAME": "__Host-access_token",
    "JWT_ACCESS_CSRF_COOKIE_NAME": "__Host-csrf_access_token",
    # Sent to /refresh... only: the 30-day token never rides along on other requests. A path
    # other than / cannot be __Host-, hence __Secure-.
    "JWT_REFRESH_COOKIE_NAME": "__Secure-refresh_token",
    "JWT_REFRESH_COOKIE_PATH": "/refresh",
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
        "__Host-csrf_access_token cookie (__Host-csrf_refresh_token for /refresh/browser)."),
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
    def post(self):
        # POST /refresh's own checks, on the refresh cookie (its path covers this route); the
        # new access token goes into the cookie, never into the body a script could read.
        renewed = TokenRefresh().post()
        response = jsonify(message="Refreshed: a new (non-fresh) access token is in its cookie.")
        set_access_cookies(response, renewed["access_token"])
        return response


def page() -> Response:
    response = Response(PAGE.read_text(), mimetype="text/html")
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response


def cookie_settings(app: Flask) -> None:
    """Before JWTManager(app) sets its defaults; a caller's own settings win."""
    for name, value in COOKIE_SETTINGS.items():
        app.config.setdefault(name, value)


def init_browser(app: Flask, api: Api) -> None:
    api.add_resource(BrowserLogin, "/login/browser")
    api.add_resource(BrowserRefresh, "/refresh/browser")
    app.add_url_rule("/app", "page", page)

    @app.after_request
    def _logout_clears_cookies(response: Response) -> Response:
        # Whatever /logout answered (a revoked or expired cookie too): the browser forgets.
        if request.endpoint == "userlogout" and OUR_COOKIES & request.cookies.keys():
            unset_jwt_cookies(response)
        return response
