"""Every answer of the parity run, from both real servers, validates against the OpenAPI
document that server itself serves (GET /openapi.json): the description cannot drift from
what the apps do."""

import json
import re
import urllib.request

import pytest
from jsonschema import Draft202012Validator

from api_common.openapi import OPERATIONS, PATH_VARIABLE
from sidebyside.scenarios import CATALOGUE
from sidebyside.servers import AppServer


@pytest.fixture(scope="module")
def documents(servers: dict[str, AppServer]) -> dict[str, dict]:
    found = {}
    for name, server in servers.items():
        with urllib.request.urlopen(f"{server.base_url}/openapi.json", timeout=10) as answer:
            found[name] = json.load(answer)
    return found


def operation(document: dict, method: str, path: str) -> dict | None:
    for template, item in document["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path.split("?")[0]) and method.lower() in item:
            return item[method.lower()]
    return None


def test_every_answer_of_the_parity_run_validates_against_its_apps_document(results,
                                                                          documents):
    checked = 0
    for sc in CATALOGUE:
        result = results[sc.key]
        if isinstance(result, BaseException):
            continue  # the scenario's own test reports it
        for app, exchange in result.items():
            document = documents[app]
            described = operation(document, exchange.method, exchange.path)
            if described is None:  # a route this app does not serve: its 404 is the contract's
                assert exchange.status in (404, 405) and exchange.error, (app, exchange.path)
                continue
            responses = described["responses"]
            assert str(exchange.status) in responses or (exchange.status >= 400
                                                          and "default" in responses), \
                f"{app} {exchange.method} {exchange.path}: {exchange.status} is not described"
            response = responses.get(str(exchange.status)) or responses["default"]
            schema = response["content"]["application/json"]["schema"]
            validator = Draft202012Validator({**schema, "components": document["components"]})
            errors = [e.message for e in validator.iter_errors(exchange.json)]
            assert not errors, f"{sc.key} on {app}: {errors} in {exchange.json}"
            checked += 1
    assert checked > 2 * len(CATALOGUE) * 0.8


def test_every_described_operation_is_served_by_some_app(documents):
    """No stale entry: what the document table describes, an app serves (the bridge's routes
    are checked in tests/contract/test_openapi.py, with the bridge open)."""
    served = {(PATH_VARIABLE.sub(r"{\1}", rule), method) for rule, method in OPERATIONS}
    live = {(path, method.upper()) for document in documents.values()
            for path, item in document["paths"].items() for method in item}
    assert served - live == {("/token/exchange", "POST")}
