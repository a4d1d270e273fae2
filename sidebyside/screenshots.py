"""Both apps' pages (/app) in Debian's chromium, after a login, an added item and the
"injected script": the pictures `make report` shows (none where there is no chromium)."""

import base64
import secrets
import shutil

from sidebyside.clients import client_for
from sidebyside.scenarios import PASSWORD
from sidebyside.servers import AppServer


def page_screenshots(servers: dict[str, AppServer]) -> dict[str, str]:
    """{app: PNG, base64} of each app's page, or {} without chromium or Playwright."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    if chromium is None:
        return {}
    shots = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        for name, server in servers.items():
            username = f"page{secrets.token_hex(3)}"
            client_for(name, server.base_url, server.secret).register(username, PASSWORD)
            page = browser.new_page(viewport={"width": 640, "height": 800})
            page.goto(f"{server.base_url}/app")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("#login")
            page.wait_for_function("document.querySelector('#output').textContent"
                                   ".startsWith('GET /items → 200')")  # login, then its list
            page.fill("#item-name", f"lamp-{name}")
            page.fill("#item-price", "12.5")
            page.click("#add")
            page.wait_for_function("document.querySelector('#output').textContent"
                                   ".includes('→ 201')")
            page.click("#script")
            page.wait_for_function("document.querySelector('#script-output').textContent")
            shots[name] = base64.b64encode(page.screenshot(full_page=True)).decode()
            page.close()
        browser.close()
    return shots
