"""The parts of the API contract that do not depend on the JWT library.

Both apps import this package, on Flask 2.3 (v1) and on Flask 3.1 (v2): the error vocabulary,
JSON error responses, the fix for Flask-RESTful's 500 trap, the request hooks (client address,
security headers), config and store setup. Keeping it out of the two app folders keeps
`diff -ru v1_basic_jwt v2_jwt_extended` about the migration.
"""

from api_common.errors import (
    ApiError,
    JsonErrorApi,
    error_response,
    register_error_handlers,
    token_error,
)
from api_common.events import register_security_events, security_event, startup_event
from api_common.openapi import init_openapi
from api_common.requests import (
    client_address,
    json_body,
    parsed_json,
    register_request_hooks,
    token_issued_at,
)
from api_common.setup import configure, current_store, init_store, serve

__all__ = [
    "ApiError",
    "JsonErrorApi",
    "client_address",
    "configure",
    "current_store",
    "error_response",
    "init_openapi",
    "init_store",
    "json_body",
    "parsed_json",
    "register_error_handlers",
    "register_request_hooks",
    "register_security_events",
    "security_event",
    "serve",
    "startup_event",
    "token_error",
    "token_issued_at",
]
