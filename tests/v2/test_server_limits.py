"""The notes' "Running it for real": which size limits the apps answer (JSON) and which
gunicorn answers itself (HTML, before any app code runs), under gunicorn.conf.py."""

import json
import secrets
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from sidebyside.servers import GunicornServer, server_env


@pytest.fixture
def server(tmp_path: Path, db_url: str) -> Iterator[GunicornServer]:
    served = GunicornServer("v2", {**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32)},
                            tmp_path / "gunicorn.log", workers=1)
    served.start()
    try:
        served.wait_ready()
        yield served
    finally:
        served.stop()


def exchange(port: int, request: bytes) -> tuple[int, str, bytes]:
    """(status, content type, body) of one raw HTTP/1.1 request."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers.get("Content-Type", ""), body


def get(path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
             *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_gunicorn_answers_an_overlong_request_line_with_414(server: GunicornServer):
    status, content_type, body = exchange(server.port, get("/items?q=" + "a" * 8200))
    assert (status, content_type) == (414, "text/html")
    assert b"URI Too Long" in body
    status, content_type, _ = exchange(server.port, get("/items?q=" + "a" * 8000))
    assert (status, content_type) == (200, "application/json")  # under the limit: the app's


def test_gunicorn_answers_an_overlong_header_field_or_too_many_with_431(server: GunicornServer):
    too_long = {"X-Big": "a" * (64 * 1024 + 1)}
    too_many = {f"X-H{i}": "1" for i in range(101)}
    for headers in (too_long, too_many):
        status, content_type, body = exchange(server.port, get("/items", headers))
        assert (status, content_type) == (431, "text/html")
        assert b"Request Header Fields Too Large" in body


def test_the_app_answers_a_body_over_64_kib_with_json_413(server: GunicornServer):
    body = json.dumps({"username": "a" * (64 * 1024), "password": "x"}).encode()
    request = (b"POST /register HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
               b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
    status, content_type, answer = exchange(server.port, request)
    assert (status, content_type) == (413, "application/json")
    assert json.loads(answer)["error"] == "payload_too_large"
