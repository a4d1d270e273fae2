"""Both apps' pages in a real browser: Debian's chromium driven by Playwright for Python
(executable_path: no browser download), against both apps as real servers. Where the token
lives, what a script in the page can do with it, and a cross-site attack page that fails."""

import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sidebyside.clients import AppClient, client_for
from sidebyside.servers import running_apps

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (Debian: apt-get "
                                "install chromium; .ci/run installs it)")
PASSWORD = "correct horse battery"
ACCESS, REFRESH = "__Host-access_token", "__Secure-refresh_token"
CSRF_ACCESS, CSRF_REFRESH = "__Host-csrf_access_token", "__Host-csrf_refresh_token"


@pytest.fixture(scope="module")
def apps(tmp_path_factory) -> Iterator[dict[str, AppClient]]:
    with running_apps(tmp_path_factory.mktemp("browser")) as servers:
        yield {name: client_for(name, s.base_url, s.secret) for name, s in servers.items()}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def user(app: AppClient, name: str) -> str:
    assert app.register(name, PASSWORD).status == 201
    return name


def log_in(page, app: AppClient, name: str) -> None:
    page.goto(f"{app.base_url}/app")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("#login")
    # The login lists the items when it succeeds: wait for that answer too, so that no request
    # of the login is still in flight when the test clicks next (seen on a loaded machine).
    page.wait_for_function("document.querySelector('#output').textContent"
                           ".startsWith('GET /items → 200')")


def click(page, button: str) -> str:
    """Click, wait for the page to report the answer, return its line."""
    page.evaluate("document.querySelector('#output').textContent = ''")
    page.click(button)
    page.wait_for_function("document.querySelector('#output').textContent !== ''")
    return page.inner_text("#output")


def cookies(page) -> dict[str, dict]:
    return {c["name"]: c for c in page.context.cookies()}


def test_v2_page_keeps_tokens_in_httponly_cookies_a_script_cannot_read(page, apps):
    v2 = apps["v2"]
    log_in(page, v2, user(v2, "ada"))
    jar = cookies(page)
    assert set(jar) == {ACCESS, REFRESH, CSRF_ACCESS, CSRF_REFRESH}
    for name in (ACCESS, REFRESH):  # the tokens: no script reads them, only HTTPS carries them
        assert (jar[name]["httpOnly"], jar[name]["secure"], jar[name]["sameSite"]) == \
            (True, True, "Lax")
    assert jar[ACCESS]["path"] == "/" and jar[REFRESH]["path"] == "/browser"
    for name in (CSRF_ACCESS, CSRF_REFRESH):  # readable on purpose: the page sends it back
        assert not jar[name]["httpOnly"] and jar[name]["secure"] and jar[name]["path"] == "/"
    assert ACCESS not in page.evaluate("document.cookie")
    assert jar[ACCESS]["value"] not in page.content()

    page.fill("#item-name", "lamp")
    page.fill("#item-price", "12.5")
    assert "POST /item/lamp → 201" in click(page, "#add")
    click(page, "#list")
    assert "lamp: 12.5" in page.inner_text("#items")

    page.click("#script")
    page.wait_for_function("document.querySelector('#script-output').textContent !== ''")
    said = page.inner_text("#script-output")
    assert "No token in sight" in said and "→ 201" in said  # cannot steal, can still act
    assert jar[ACCESS]["value"] not in said

    # Nor can it have the API's POST /refresh (whose answer carries a token) use the refresh
    # cookie: that cookie goes to /browser/... only, and /refresh reads headers only.
    status, body = page.evaluate("""async () => {
        const csrf = document.cookie.split('; ').find((c) => c.startsWith('__Host-csrf_refresh'));
        const r = await fetch('/refresh', {method: 'POST',
            headers: {'X-CSRF-TOKEN': csrf.split('=')[1]}});
        return [r.status, await r.json()]; }""")
    assert status == 401 and "access_token" not in body

    # A write without the double submit: the JSON error says what to send; nothing written.
    status, body = page.evaluate("""async () => {
        const r = await fetch('/item/no-csrf', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: '{"price": 1}'});
        return [r.status, await r.json()]; }""")
    assert (status, body["error"]) == (403, "csrf_token_missing")
    assert "X-CSRF-TOKEN" in body["message"]
    before = jar[ACCESS]["value"]
    assert v2.request("GET", "/item/no-csrf", token=before).status == 404
    odd = v2.request("POST", "/item/odd-csrf", json_body={"price": 1},
                     headers={"Cookie": f"{ACCESS}={before}", "X-CSRF-TOKEN": "é"})
    assert (odd.status, odd.error) == (403, "csrf_token_mismatch")  # not a 500

    assert "/browser/refresh → 200" in click(page, "#refresh")
    renewed = cookies(page)[ACCESS]["value"]
    assert renewed != before and "access_token" not in page.inner_text("#output")

    assert "POST /browser/logout → 200" in click(page, "#logout")
    assert not {ACCESS, REFRESH, CSRF_ACCESS, CSRF_REFRESH} & set(cookies(page))
    assert "→ 401" in click(page, "#add")  # no cookie left: the next write is refused
    for token in (before, renewed):  # and the tokens themselves are revoked, not just dropped
        assert v2.request("GET", "/user/1", token=token).error == "token_revoked"


def test_v1_page_keeps_the_token_where_any_script_reads_it(page, apps):
    v1 = apps["v1"]
    log_in(page, v1, user(v1, "bob"))
    token = page.evaluate("localStorage.getItem('token')")
    assert token and token.count(".") == 2
    page.fill("#item-name", "desk")
    page.fill("#item-price", "80")
    assert "POST /item/desk → 201" in click(page, "#add")
    page.click("#script")
    page.wait_for_function("document.querySelector('#script-output').textContent !== ''")
    assert token in page.inner_text("#script-output")  # stolen, whole
    click(page, "#logout")
    assert page.evaluate("localStorage.getItem('token')") is None
    # Forgotten by the page only: a stolen copy still works until it expires.
    assert v1.request("GET", "/item/desk", token=token).status == 200


def test_both_pages_mirror_each_other(apps):
    pages = {name: (Path(__file__).parents[2] / package / "page.html").read_text()
             for name, package in (("v1", "v1_basic_jwt"), ("v2", "v2_jwt_extended"))}
    ids = {name: sorted(set(re.findall(r'id="([\w-]+)"', html)))
           for name, html in pages.items()}
    assert ids["v1"] == ids["v2"]


@pytest.fixture
def attack_site() -> Iterator[ThreadingHTTPServer]:
    """Another site: `localhost` is not `127.0.0.1`, so a page from it is cross-site."""
    class Attack(BaseHTTPRequestHandler):
        page = b""

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(Attack.page)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Attack)
    server.RequestHandlerClass.page = b""  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_cross_site_form_post_right_after_login_writes_nothing(page, apps, attack_site):
    """Within the two minutes in which Chromium still sends a cookie without SameSite on a
    cross-site top-level POST: SameSite=Lax keeps the cookie home, so the attack arrives
    without a token (and the CSRF check would refuse it anyway)."""
    v2 = apps["v2"]
    log_in(page, v2, user(v2, "eve-target"))
    # text/plain: the one way a form can send something JSON-shaped.
    attack_site.RequestHandlerClass.page = f"""<!doctype html><form method="POST"
        action="{v2.base_url}/item/forged" enctype="text/plain">
        <input name='{{"price": 1, "x": "' value='"}}'></form>
        <script>document.forms[0].submit()</script>""".encode()  # type: ignore[attr-defined]
    with page.expect_navigation(url=f"{v2.base_url}/item/forged"):
        page.goto(f"http://localhost:{attack_site.server_address[1]}/")
    answer = json.loads(page.inner_text("body"))
    assert answer["error"] == "authorization_required"  # the cookie was not sent
    login_token = v2.tokens("eve-target", PASSWORD).access
    assert v2.request("GET", "/item/forged", token=login_token).status == 404
