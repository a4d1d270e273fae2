"""A Flask 2.0 app that uses only what FLK001-FLK004 rewrite exactly (run on Flask 2.0.3 in
.venv-fje3; jwt_upgrade's output of it runs on Flask 3.1 in .venv-v2)."""

import io

from flask import Flask, Markup, escape, request, send_file
from werkzeug.urls import url_quote, url_quote_plus
from werkzeug.wrappers import BaseResponse

app = Flask(__name__)


@app.route("/quote")
def quote_it():
    text = request.args.get("q", "")
    return {"quote": url_quote(text), "plus": url_quote_plus(text),
            "bytes": url_quote(text.encode()), "safe": url_quote(text, safe="")}


@app.route("/html")
def html():
    return str(Markup("<b>%s</b>") % escape(request.args.get("q", "")))


@app.route("/file")
def file():
    return send_file(io.BytesIO(b"data"), mimetype="text/plain", as_attachment=True,
                     attachment_filename="report.txt", cache_timeout=60)


@app.route("/raw")
def raw():
    return BaseResponse("raw body", status=202)
