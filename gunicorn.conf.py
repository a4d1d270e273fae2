"""gunicorn settings for both apps in production:

    .venv-v2/bin/gunicorn -c gunicorn.conf.py 'v2_jwt_extended.app:create_app()'
    .venv-v1/bin/gunicorn -c gunicorn.conf.py 'v1_basic_jwt.app:create_app()'

Each app still reads JWT_SECRET_KEY and DATABASE_URL from the environment. Several workers
are safe: revocation, throttling and admin flags live in the shared store, never in a worker.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# Threads, not sync workers: a sync worker serves one connection at a time, so two slow
# clients (a slowloris sends a header line a second) stall a two-worker server. A thread
# blocked on a slow client holds only itself; 64 per worker outlast 50 slow clients even
# when one worker accepts all of them (tests/workers/test_slow_clients.py; with 8 threads it
# fails). A buffering proxy
# in front (nginx) is still the standard advice: it absorbs slow clients entirely.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
timeout = 30  # a worker silent this long is restarted
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection may hold a slot
# Request size limits. Past them gunicorn answers by itself (HTML 414 for the request line, 431
# for header fields; not the apps' JSON: tests/v2/test_server_limits.py),
# so they sit where the apps' own limits are: 64 KiB bodies and headers (a token that long is
# already an invalid_token from the app), the longest request line gunicorn allows.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 64 * 1024
# No runtime control socket (gunicorn >= 25): one path in $HOME shared by every gunicorn on
# the machine, and nothing here manages workers at run time.
control_socket_disable = True
# Access log with the worker's pid, so that a test can see which worker answered.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(p)s "%(r)s" %(s)s'
