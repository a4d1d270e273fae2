"""Count, per protected request of the v2 app, how often Flask-JWT-Extended and PyJWT split,
base64-decode, JSON-parse and verify the token, and from where.

Runs only in a throwaway environment (upstream/envs.py): the instruments wrap the libraries'
functions in this process, and the project's own environments refuse to run it. The request
is the bench's, GET /item/<name> with an access token, on the real v2 app in-process (SQLite
in a temporary folder); the login before it is not counted.

    python -m upstream.envs stock              # prints the interpreter of the copy
    .bench-upstream/stock/bin/python -m upstream.count [--requests 20] [--json]
"""

import argparse
import json
import logging
import statistics
import sys
import tempfile
import timeit
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EVENTS = ("split", "base64-decode", "JSON-parse header", "JSON-parse payload", "verify")


def refuse_project_environments() -> None:
    if Path(sys.prefix).name.startswith(".venv-"):
        raise SystemExit("upstream.count instruments the libraries it runs with: run it from a "
                         "throwaway environment (python -m upstream.envs), never a .venv-*")


def _where(frame: FrameType) -> str:
    path = Path(frame.f_code.co_filename)
    parts = path.parts
    if "site-packages" in parts:
        path = Path(*parts[parts.index("site-packages") + 1:])
    elif path.is_relative_to(REPO):
        path = path.relative_to(REPO)
    return f"{path}:{frame.f_lineno} {frame.f_code.co_name}"


def _in_pyjwt(frame: FrameType) -> bool:
    """A frame of PyJWT, or of this module's wrappers around it (transparent)."""
    return "/jwt/" in frame.f_code.co_filename or frame.f_code.co_filename == __file__


def call_site(frame: FrameType | None) -> str:
    """The first frame outside PyJWT, and the PyJWT function it called: e.g.
    'flask_jwt_extended/jwt_manager.py:535 _decode_jwt_from_config -> jwt.decode'."""
    entry = None
    while frame is not None and _in_pyjwt(frame):
        if frame.f_code.co_filename != __file__:
            entry = frame
        frame = frame.f_back
    if frame is None or entry is None:
        return "?"
    return f"{_where(frame)} -> jwt.{entry.f_code.co_name}"


class Tally:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.sites: Counter[tuple[str, str]] = Counter()
        self.app_checks = 0  # the app's own pre-check (api_common.limits.token_problem)

    def record(self, event: str, frame: FrameType | None) -> None:
        self.counts[event] += 1
        self.sites[event, call_site(frame)] += 1

    def reset(self) -> None:
        self.counts.clear()
        self.sites.clear()
        self.app_checks = 0


TALLY = Tally()


def _wrap(owner: Any, name: str, event: str) -> None:
    original = getattr(owner, name)
    if isinstance(original, staticmethod):  # (looked up on the class: already unwrapped)
        original = original.__func__

    def counting(*args: Any, **kwargs: Any) -> Any:
        TALLY.record(event, sys._getframe(1))
        return original(*args, **kwargs)

    is_static = isinstance(owner.__dict__.get(name), staticmethod)
    setattr(owner, name, staticmethod(counting) if is_static else counting)


class _CountingJson(ModuleType):
    """Stands for the json module inside one PyJWT module: counts loads()."""

    def __init__(self, event: str) -> None:
        super().__init__("json")
        self._event = event

    def loads(self, *args: Any, **kwargs: Any) -> Any:
        TALLY.record(self._event, sys._getframe(1))
        return json.loads(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(json, name)


def instrument() -> None:
    import jwt.api_jws
    import jwt.api_jwt

    import api_common.requests

    _wrap(jwt.api_jws.PyJWS, "_load", "split")
    _wrap(jwt.api_jws.PyJWS, "_decode_base64url_segment", "base64-decode")
    _wrap(jwt.api_jws.PyJWS, "_verify_signature", "verify")
    jwt.api_jws.json = _CountingJson("JSON-parse header")
    jwt.api_jwt.json = _CountingJson("JSON-parse payload")
    original = api_common.requests.token_problem

    def counted_token_problem(token: str) -> str | None:
        TALLY.app_checks += 1
        return original(token)

    api_common.requests.token_problem = counted_token_problem


def app_config(folder: Path, keyring: bool = False) -> dict[str, Any]:
    """The v2 app's settings for a store (and a keyring) in `folder`: one fresh secret, or a
    keyring (key rotation: the app then registers a decode_key_loader)."""
    import secrets

    config: dict[str, Any] = {"DATABASE_URL": f"sqlite:///{folder}/store.db",
                              "JWT_SECRET_KEY": secrets.token_hex(32),
                              "CHEAP_PASSWORD_HASHING_FOR_TESTS": True}
    if keyring:
        from shared.keyring import KeyringFile, init

        ring, _ = init(config["JWT_SECRET_KEY"], "HS256", 1)
        KeyringFile(folder / "keyring.json").write(ring)
        config["JWT_KEYRING"] = str(folder / "keyring.json")
    return config


@contextmanager
def v2_app(keyring: bool = False) -> Iterator[tuple[Any, str]]:
    """The v2 app in-process on a fresh SQLite store, and an access token of a user.
    keyring: signing keys from a keyring (key rotation), which registers a decode_key_loader."""
    from v2_jwt_extended.app import create_app

    logging.getLogger("security").disabled = True  # its events are not the point here
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(app_config(Path(tmp), keyring))
        store = app.extensions["store"]
        try:
            store.create_item("chair", 12.5)
            client = app.test_client()
            login = {"username": "counted", "password": "password123"}
            assert client.post("/register", json=login).status_code == 201
            answer = client.post("/login", json=login)
            assert answer.status_code == 200, answer.get_json()
            yield app, answer.get_json()["access_token"]
        finally:
            store.close()


def has_decode_key_loader(app: Any) -> bool:
    """Whether the app picks the verifying key from the unverified token (key rotation): then
    even a decode-once Flask-JWT-Extended parses it twice, unverified for the loader first."""
    from flask_jwt_extended.default_callbacks import default_decode_key_callback

    manager = app.extensions["flask-jwt-extended"]
    return manager._decode_key_callback is not default_decode_key_callback


def count_requests(requests: int, keyring: bool = False) -> dict[str, Any]:
    """Per protected request: each event's count, and its call sites."""
    with v2_app(keyring) as (app, token):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/item/chair", headers=headers).status_code == 200  # warm
        TALLY.reset()
        for _ in range(requests):
            assert client.get("/item/chair", headers=headers).status_code == 200
        return {
            "token_length": len(token),
            "decode_key_loader": has_decode_key_loader(app),
            "per_request": {event: TALLY.counts[event] / requests for event in EVENTS},
            "sites": [{"event": event, "site": site, "per_request": n / requests}
                      for (event, site), n in sorted(TALLY.sites.items(),
                                                     key=lambda i: (EVENTS.index(i[0][0]), i))],
            "app_prechecks_per_request": TALLY.app_checks / requests,
        }


def best_us(fn: Callable[[], object], number: int = 2000, repeat: int = 7) -> float:
    """The fastest of `repeat` runs, µs per call (the least disturbed by other load)."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def timings() -> dict[str, float]:
    """µs per call on one of the app's access tokens, uninstrumented (run before instrument)."""
    import jwt
    from flask_jwt_extended import decode_token
    from jwt.api_jws import PyJWS

    with v2_app() as (app, token):
        secret = app.config["JWT_SECRET_KEY"]
        segments = [s.encode() for s in token.split(".")]
        with app.test_request_context():
            got = {
                "decode_token": best_us(lambda: decode_token(token)),
                "jwt.decode": best_us(lambda: jwt.decode(token, secret, algorithms=["HS256"])),
                "base64url segments of one token": best_us(
                    lambda: [PyJWS._decode_base64url_segment(s, "x") for s in segments]),
            }
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        times = [best_us(lambda: client.get("/item/chair", headers=headers), number=200,
                         repeat=1) for _ in range(5)]
        got["GET /item/<name> in-process"] = statistics.median(times)
    return got


def report(counts: dict[str, Any], times: dict[str, float]) -> str:
    import flask_jwt_extended
    import jwt

    lines = [f"Flask-JWT-Extended {flask_jwt_extended.__version__}, PyJWT {jwt.__version__} "
             f"({Path(sys.prefix).name}); token of {counts['token_length']} characters; "
             f"the app {'has' if counts['decode_key_loader'] else 'has no'} decode_key_loader",
             "", "per protected request (GET /item/<name>):"]
    lines += [f"  {event:20} {n:g}" for event, n in counts["per_request"].items()]
    lines += [f"  (the app's own size check, api_common/limits.py token_problem, before the "
              f"library: {counts['app_prechecks_per_request']:g})", "", "call sites:"]
    lines += [f"  {s['per_request']:g} x {s['event']:20} {s['site']}" for s in counts["sites"]]
    if times:
        lines += ["", "µs per call (best of 7; the request: median of 5 runs of 200):"]
        lines += [f"  {name:32} {us:8.1f}" for name, us in times.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m upstream.count", description=__doc__)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="one JSON object, for the tests")
    parser.add_argument("--no-timings", action="store_true")
    parser.add_argument("--keyring", action="store_true",
                        help="sign with a keyring (key rotation: a decode_key_loader)")
    args = parser.parse_args(argv)
    refuse_project_environments()
    times = {} if args.no_timings else timings()
    instrument()
    counts = count_requests(args.requests, args.keyring)
    if args.json:
        print(json.dumps({"counts": counts, "timings_us": times}))
    else:
        print(report(counts, times))
    return 0


if __name__ == "__main__":
    sys.exit(main())
