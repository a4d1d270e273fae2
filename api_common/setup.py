"""Config from the environment (safe local defaults), the store, and `python -m` serving."""

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from werkzeug.local import LocalProxy

from shared import ConfigError, Store
from shared.signing_keys import load_signing_key

# More proxies than any real chain (CDN, load balancer, ingress): a larger number is a typo.
MAX_TRUSTED_PROXIES = 10

# The store of the current app, as `current_user` is the user of the current request.
current_store: Store = LocalProxy(lambda: current_app.extensions["store"])  # type: ignore[assignment]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def configure(app: Flask, app_name: str, config: Mapping[str, Any] | None) -> None:
    """Common settings from the environment (safe local defaults), then the caller's."""
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL"),
        JWT_SECRET_KEY=os.environ.get("JWT_SECRET_KEY"),
        MAX_CONTENT_LENGTH=64 * 1024,
        LOGIN_MAX_FAILURES=_env_int("LOGIN_MAX_FAILURES", 10),
        LOGIN_MAX_FAILURES_PER_CLIENT=_env_int("LOGIN_MAX_FAILURES_PER_CLIENT", 100),
        LOGIN_FAILURE_WINDOW_SECONDS=_env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900),
        # Registrations per client address in that window: each costs a password hash.
        REGISTER_MAX_PER_CLIENT=_env_int("REGISTER_MAX_PER_CLIENT", 50),
        # How many proxies of ours stand in front (their X-Forwarded-For is then believed).
        TRUSTED_PROXIES=_env_int("TRUSTED_PROXIES", 0),
        # Access-token lifetime in seconds; 0: each app's default (v1 300, v2 900).
        ACCESS_TOKEN_SECONDS=_env_int("ACCESS_TOKEN_SECONDS", 0),
        CHEAP_PASSWORD_HASHING_FOR_TESTS=False,
    )
    app.config.from_mapping(config or {})
    app.config["APP_ID"] = app_name  # names the app in security events
    proxies = app.config["TRUSTED_PROXIES"]
    if not (isinstance(proxies, int) and 0 <= proxies <= MAX_TRUSTED_PROXIES):
        # -1 was accepted and failed on the first request behind ProxyFix (IndexError).
        raise ConfigError(f"TRUSTED_PROXIES must be a whole number from 0 to "
                          f"{MAX_TRUSTED_PROXIES}, not {proxies!r}")
    app.config["JWT_SECRET_KEY"] = load_signing_key(app_name, app.config["JWT_SECRET_KEY"])


def init_store(app: Flask) -> Store:
    store = Store(
        app.config["DATABASE_URL"],
        cheap_hashing_for_tests=app.config["CHEAP_PASSWORD_HASHING_FOR_TESTS"],
        max_login_failures=app.config["LOGIN_MAX_FAILURES"],
        max_client_failures=app.config["LOGIN_MAX_FAILURES_PER_CLIENT"],
        failure_window=timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"]),
        max_registrations_per_client=app.config["REGISTER_MAX_PER_CLIENT"],
    )
    store.init_schema()
    app.extensions["store"] = store
    return store


def serve(create_app: Callable[[], Flask], default_port: int) -> None:
    """`python -m <app>`: serve on HOST:PORT (127.0.0.1 by default), never in debug mode."""
    try:
        app = create_app()
    except ConfigError as e:
        raise SystemExit(f"refusing to start: {e}") from None
    host = os.environ.get("HOST", "127.0.0.1")
    port = _env_int("PORT", default_port)
    # threaded: a slow password hash must not hold up every other request.
    app.run(host=host, port=port, debug=False, threaded=True, use_reloader=False)
