"""One HTTP client per app. It hides only what the JWT library dictates: where to log in,
what the login returns, the header prefix, and the shape of the token's claims."""

import http.client
import json
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlsplit

from sidebyside import tokens


@dataclass
class Exchange:
    """One request and its response, kept whole so the demo can show it."""

    app: str
    method: str
    path: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)
    # Every Set-Cookie of the answer (headers keeps only the last of a repeated header).
    set_cookies: list[str] = field(default_factory=list, repr=False)

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def error(self) -> str | None:
        body = self.json
        return body.get("error") if isinstance(body, dict) and self.status >= 400 else None

    @property
    def token(self) -> str | None:
        """The token this request sent, or else the one its response issued."""
        header = self.request_headers.get("Authorization", "").split()
        if len(header) == 2:
            return header[1]
        body = self.json
        return body.get("access_token") if isinstance(body, dict) else None


@dataclass
class Tokens:
    access: str
    refresh: str | None  # v1 (Flask-JWT) has no refresh tokens


@dataclass
class AppClient:
    name: str
    base_url: str
    secret: str
    prefix: str
    login_path: str
    has_refresh: bool
    # Send from this local address (any 127.x reaches a server on 127.0.0.1): another client.
    source_address: str | None = None
    # Every exchange, in order: the demo shows a scenario's setup requests from it.
    history: list[Exchange] = field(default_factory=list, repr=False, compare=False)

    def request(self, method: str, path: str, *, token: str | None = None,
                json_body: Any = None, raw_body: str | bytes | None = None,
                content_type: str | None = None, headers: dict[str, str] | None = None
                ) -> Exchange:
        sent = dict(headers or {})
        if token is not None:
            sent["Authorization"] = f"{self.prefix} {token}"
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        elif raw_body is not None:
            body = raw_body.encode() if isinstance(raw_body, str) else raw_body
        if content_type is not None:
            sent["Content-Type"] = content_type
        url = urlsplit(self.base_url)
        source = (self.source_address, 0) if self.source_address else None
        conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30,
                                          source_address=source)
        try:
            conn.request(method, quote(path, safe="/?=&"), body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            received = {k: v for k, v in response.getheaders()}
            set_cookies = response.headers.get_all("Set-Cookie") or []
        finally:
            conn.close()
        shown = body.decode(errors="replace") if body is not None else None
        exchange = Exchange(self.name, method, path, sent, shown, response.status, received, data,
                            set_cookies)
        self.history.append(exchange)
        return exchange

    def register(self, username: str, password: str) -> Exchange:
        return self.request("POST", "/register",
                            json_body={"username": username, "password": password})

    def login(self, username: str, password: str) -> Exchange:
        return self.request("POST", self.login_path,
                            json_body={"username": username, "password": password})

    def tokens(self, username: str, password: str) -> Tokens:
        answer = self.login(username, password)
        if answer.status != 200:
            raise AssertionError(f"{self.name} login failed: {answer.status} {answer.body!r}")
        body = answer.json
        return Tokens(body["access_token"], body.get("refresh_token"))

    def claims(self, user_id: int, *, age: int = 0, lifetime: int | None = None) -> dict:
        """Claims shaped as this app's library issues them."""
        if self.name == "v1":
            return tokens.v1_claims(user_id, age=age, lifetime=lifetime or 300)
        return tokens.v2_claims(str(user_id), age=age, lifetime=lifetime or 900, fresh=True)

    def change_password(self, user_id: int, token: str, old: str, new: str) -> Exchange:
        return self.request("PUT", f"/user/{user_id}/password", token=token,
                            json_body={"old_password": old, "new_password": new})

    def from_address(self, address: str) -> "AppClient":
        """The same app, asked from another client address."""
        return replace(self, source_address=address, history=self.history)

    def forge(self, claims: dict) -> str:
        """Sign with this app's own secret: what only the server (or a thief of its key) can do."""
        return tokens.hs256(claims, self.secret)


def client_for(name: str, base_url: str, secret: str) -> AppClient:
    if name == "v1":
        return AppClient("v1", base_url, secret, prefix="JWT", login_path="/auth",
                         has_refresh=False)
    return AppClient("v2", base_url, secret, prefix="Bearer", login_path="/login",
                     has_refresh=True)
