"""In the browser: Flask-JWT reads only the Authorization header, so a page must keep the token
where its scripts can read it (localStorage), and any script injected into the page can too.

GET /app serves page.html, which does so: POST /auth, then `Authorization: JWT <token>`.
"""

from pathlib import Path

from flask import Flask, Response
from flask_restful import Api

PAGE = Path(__file__).with_name("page.html")


def page() -> Response:
    response = Response(PAGE.read_text(), mimetype="text/html")
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response


def init_browser(app: Flask, api: Api) -> None:
    app.add_url_rule("/app", "page", page)
