"""python -m v1_basic_jwt: serve on HOST:PORT (default 127.0.0.1:5001)."""

from api_common import serve
from v1_basic_jwt.app import create_app

serve(create_app, default_port=5001)
