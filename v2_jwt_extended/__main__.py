"""python -m v2_jwt_extended: serve on HOST:PORT (default 127.0.0.1:5002)."""

from api_common import serve
from v2_jwt_extended.app import create_app

serve(create_app, default_port=5002)
