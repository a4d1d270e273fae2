"""Production serving that a slow client cannot stall: gunicorn with gunicorn.conf.py (gthread
workers), 50 slowloris clients holding connections open, one normal client still answered."""

import http.client
import secrets
import socket
import threading
import time
from pathlib import Path

from sidebyside.servers import GunicornServer, server_env

SLOW_CLIENTS, HOLD_SECONDS = 50, 4


def slowloris(port: int, stop: threading.Event, connected: list[int]) -> None:
    """Send a request's headers one line a second and never finish them."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET /items HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        connected.append(1)
        while not stop.wait(1):
            try:
                s.sendall(b"X-Slow: 1\r\n")
            except OSError:
                return  # the server gave up on us: fine too


def test_fifty_slow_clients_do_not_stall_a_normal_one(tmp_path: Path, db_url: str):
    server = GunicornServer("v2", {**server_env(db_url), "JWT_SECRET_KEY": secrets.token_hex(32)},
                            tmp_path / "gunicorn.log", workers=2)
    server.start()
    stop, connected = threading.Event(), []
    slow = [threading.Thread(target=slowloris, args=(server.port, stop, connected))
            for _ in range(SLOW_CLIENTS)]
    try:
        server.wait_ready()
        for t in slow:
            t.start()
        deadline = time.monotonic() + 5
        while len(connected) < SLOW_CLIENTS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(connected) == SLOW_CLIENTS
        time.sleep(1)  # every slow client has sent a line and holds its connection
        latencies = []
        ends = time.monotonic() + HOLD_SECONDS - 1.5
        while time.monotonic() < ends:
            began = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            conn.request("GET", "/items")
            assert conn.getresponse().status == 200
            conn.close()
            latencies.append(time.monotonic() - began)
            time.sleep(0.1)
        assert len(latencies) >= 10
        assert max(latencies) < 1.0, latencies
        assert all(t.is_alive() for t in slow)  # still holding on while we were answered
    finally:
        stop.set()
        for t in slow:
            t.join(timeout=10)
        server.stop()
