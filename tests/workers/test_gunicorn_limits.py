"""gunicorn.conf.py's request limits: a token longer than gunicorn's default header limit
(8 KiB) reaches the apps, which answer it in JSON; gunicorn's own answer would be HTML 431
without our headers."""

from sidebyside.clients import client_for
from sidebyside.servers import AppServer
from tests.security.rules import check_answer


def test_a_long_token_gets_the_apps_json_401_not_gunicorns_html(
        worker_servers: dict[str, AppServer]):
    for name, server in worker_servers.items():
        client = client_for(name, server.base_url, server.secret)
        answer = client.request("GET", "/items", token="x" * 12_000)
        check_answer(answer)
        assert answer.status == 401 and answer.error == "invalid_token", answer.body[:200]
        assert "longer than 8192" in answer.json["message"]
