"""The real server (waitress on a free 127.0.0.1 port, in a thread) and Debian's Chromium.

Chromium is ``/usr/bin/chromium`` driven by Python Playwright (never a downloaded browser).
The server serves the hostile programme of :mod:`tests.web.fixtures`.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.web import AppDB, create_app
from tests.web.fixtures import PASSWORD, QUICK_HASHER, add_accounts, write_programme

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class LiveServer:
    def __init__(self, base: str, db: AppDB):
        self.base = base
        self.db = db

    def url(self, path: str) -> str:
        return self.base + path


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` with waitress on a free 127.0.0.1 port, in a thread, until the end of
    the ``with`` block; yield its base URL once ``/healthz`` answers.

    At the end the server closes, in its own thread, its listening socket and every open
    connection (the browser keeps some alive), so the thread ends at once.
    """
    import waitress

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"

    def close_everything() -> None:
        for channel in list(server.active_channels.values()):
            channel.close()
        server.close()

    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.read() == b"ok\n":
                        break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the web server on {base} did not answer /healthz within 20 s")
                time.sleep(0.1)
        yield base
    finally:
        server.trigger.pull_trigger(close_everything)
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = write_programme(tmp_path_factory.mktemp("browser") / "data")
    db = AppDB(Path(folder).parent / "app.sqlite", hasher=QUICK_HASHER)
    add_accounts(db)
    app = create_app(lacgraph.open(folder), db, pseudonymiser=Pseudonymiser(b"browser key"))
    with serving(app) as base:
        yield LiveServer(base, db)


@pytest.fixture(scope="session")
def browser():
    """Chromium for this test session (this xdist worker), started once: every test gets
    its own context or page (no shared cookies or storage), and the browser is closed at
    the end."""
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
