"""Each app describes itself at GET /openapi.json (api_common/openapi.py), built from its own
routes: every route it serves is described, the bridge's only while it is open."""

from api_common.openapi import OPERATIONS, served
from tests.conftest import STACK
from tests.contract.conftest import LOGIN_PATH, PREFIX, Api, make_app


def test_the_document_describes_every_route_the_app_serves(api: Api):
    document = api.call("GET", "/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    described = {(path, method.upper()) for path, item in document["paths"].items()
                 for method in item}
    routes = {(rule.rule, method) for rule, method in served(api.app)}
    assert len(described) == len(routes) and routes <= set(OPERATIONS)
    assert LOGIN_PATH in document["paths"] and "/item/{name}" in document["paths"]
    parameter = document["paths"]["/user/{user_id}"]["get"]["parameters"][0]
    assert parameter == {"name": "user_id", "in": "path", "required": True,
                         "schema": {"type": "integer"}}
    error = document["components"]["schemas"]["Error"]
    assert error["required"] == ["message", "error"] and not error["additionalProperties"]


def test_the_security_scheme_is_the_librarys(api: Api):
    document = api.call("GET", "/openapi.json").get_json()
    schemes = document["components"]["securitySchemes"]
    if STACK == "v1":  # not a registered HTTP scheme: an API key in the Authorization header
        assert schemes == {"JWT": {**schemes["JWT"], "type": "apiKey", "in": "header",
                                   "name": "Authorization"}}
        assert f"{PREFIX} <token>" in schemes["JWT"]["description"]
    else:
        assert schemes["bearer"]["scheme"] == "bearer" and schemes["cookie"]["in"] == "cookie"
        assert document["paths"]["/refresh"]["post"]["security"] == [{"refresh": []}]
        post_item = document["paths"]["/item/{name}"]["post"]
        assert "fresh" in post_item["description"]
    optional = document["paths"]["/items"]["get"]["security"]
    assert {} in optional  # no token is fine there


def test_the_bridge_routes_are_described_only_while_it_is_open(db_url: str, secret_key: str):
    if STACK == "v1":
        return  # v1 has no bridge: its /auth is Flask-JWT's own
    closed = make_app(db_url, secret_key).test_client().get("/openapi.json").get_json()
    assert "/token/exchange" not in closed["paths"] and "/auth" not in closed["paths"]
    bridged = make_app(db_url, secret_key, LEGACY_JWT_SECRET_KEY="l" * 64,
                       LEGACY_TOKENS_UNTIL="2999-01-01T00:00:00+00:00")
    opened = bridged.test_client().get("/openapi.json").get_json()
    assert {"/token/exchange", "/auth"} <= set(opened["paths"])
