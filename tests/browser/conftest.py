"""The real server (waitress on a free 127.0.0.1 port, in a thread) and Debian's Chromium.

Chromium is ``/usr/bin/chromium`` driven by Python Playwright (never a downloaded browser).
The server serves the hostile programme of :mod:`tests.web.fixtures`.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.web import AppDB, create_app
from tests.web.fixtures import PASSWORD, add_accounts, write_programme

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class LiveServer:
    def __init__(self, base: str, db: AppDB):
        self.base = base
        self.db = db

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import waitress

    folder = write_programme(tmp_path_factory.mktemp("browser") / "data")
    db = AppDB(Path(folder).parent / "app.sqlite")
    add_accounts(db)
    app = create_app(lacgraph.open(folder), db, pseudonymiser=Pseudonymiser(b"browser key"))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.read() == b"ok\n":
                    break
        except OSError:
            if time.monotonic() > deadline:
                server.close()
                pytest.fail(f"the web server on {base} did not answer /healthz within 20 s")
            time.sleep(0.1)
    yield LiveServer(base, db)
    server.close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module (closed after it, so another module may start its own
    sync Playwright)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: 'make test' installs Debian's chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()


def log_in(context, server: LiveServer, name: str, password: str = PASSWORD):
    """Log in through the real form in a new page; return the page."""
    page = context.new_page()
    page.goto(server.url("/login"))
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page
