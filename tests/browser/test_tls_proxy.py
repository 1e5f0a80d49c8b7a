"""Issue 11.1: the app behind a real TLS-terminating proxy (Debian's nginx, self-signed
certificate) in front of ``lacgraph serve --behind-proxy`` (a real subprocess); Chromium
logs in as each role and submits every form. CSRF stays strict: over HTTPS the Origin and
the Referer must be this host."""

from __future__ import annotations

import socket
import ssl
import time
import urllib.parse
from pathlib import Path

import pytest

from lacgraph.loaders import read_source, write_folder
from lacgraph.stores import MemoryStore
from lacgraph.web import AppDB
from tests.web.fixtures import PASSWORD, add_accounts, hostile_tables, write_programme
from tests.web.live import NGINX, lacgraph_serve, nginx_tls


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    if not Path(NGINX).exists():
        pytest.fail(f"{NGINX} is missing: 'make test' installs Debian's nginx")
    folder = tmp_path_factory.mktemp("tls")
    data = write_programme(folder / "data")
    store = folder / "programme.sqlite"
    with MemoryStore(store) as s:
        s.write(read_source(data))
    app_db = folder / "programme.app.sqlite"
    db = AppDB(app_db)
    add_accounts(db)
    db.close()
    with lacgraph_serve(store, app_db, "--behind-proxy") as upstream:
        port = int(upstream.rsplit(":", 1)[1])
        with nginx_tls(folder / "nginx", port) as base:
            yield base, app_db, folder


@pytest.fixture
def tls_context(browser):
    context = browser.new_context(ignore_https_errors=True,
                                  viewport={"width": 1200, "height": 900})
    yield context
    context.close()


def _log_in(context, base: str, name: str, password: str = PASSWORD):
    page = context.new_page()
    response = page.goto(base + "/login")
    assert response.headers.get("strict-transport-security", "").startswith("max-age=")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/login" not in page.url, page.inner_text("main")
    return page


def _submit(page, selector: str):
    with page.expect_navigation():
        page.click(selector)
    text = page.inner_text("main")
    assert "form has expired" not in text and "did not come from this site" not in text, text
    return text


def _log_out(page):
    _submit(page, "form.logout button")
    assert page.url.endswith("/login")


def test_every_role_logs_in_and_submits_every_form_through_nginx(proxied, tls_context):
    base, app_db_path, folder = proxied
    # coordinator: search (GET form), a person's date form (GET), log out (POST)
    page = _log_in(tls_context, base, "cora")
    cookies = {c["name"]: c for c in tls_context.cookies()}
    assert cookies["lacgraph_session"]["secure"] and cookies["lacgraph_session"]["httpOnly"]
    page.fill("input[name=q]", "p1")
    _submit(page, "form[role=search] button")
    page.goto(base + "/people/p1")
    for part, value in (("day", "1"), ("month", "2"), ("year", "2024")):  # GOV.UK date input
        page.fill(f"input[name=since-{part}]", value)
    _submit(page, "main form.inline button")
    assert "since-month=2" in page.url
    _log_out(page)
    # evaluator: the growth window (GET form), then change own password (POST)
    page = _log_in(tls_context, base, "eve")
    _submit(page, "main form.growth-window button[type=submit]")
    page.goto(base + "/account/password")
    page.fill("input[name=current]", PASSWORD)
    page.fill("input[name=new]", "eve's new password 1")
    page.fill("input[name=again]", "eve's new password 1")
    assert "password was changed" in _submit(page, "main form button")
    _log_out(page)
    _log_out(_log_in(tls_context, base, "eve", "eve's new password 1"))
    # manager: the date form (GET)
    page = _log_in(tls_context, base, "max")
    for part, value in (("day", "31"), ("month", "3"), ("year", "2024")):
        page.fill(f"input[name=at-{part}]", value)
    _submit(page, "main form.inline button")
    _log_out(page)
    # admin: add, reset, end sessions, remove an account; upload data (POST forms)
    page = _log_in(tls_context, base, "ada")
    page.goto(base + "/admin/users")
    page.fill("input[name=name]", "new.evaluator")
    page.select_option("select[name=role]", "evaluator")
    page.fill("form.stack input[name=password]", "a long enough password")
    _submit(page, "form.stack button")
    assert "new.evaluator" in page.inner_text("table")
    row = page.locator("tr", has_text="new.evaluator")
    row.locator("input[name=password]").fill("another long password")
    with page.expect_navigation():
        row.locator("button", has_text="Reset password").click()
    assert "New password set" in page.inner_text("main")
    row = page.locator("tr", has_text="new.evaluator")
    with page.expect_navigation():
        row.locator("button", has_text="End sessions").click()
    assert "Ended 0 session" in page.inner_text("main")
    row = page.locator("tr", has_text="new.evaluator")
    with page.expect_navigation():
        row.locator("button", has_text="Remove").click()
    assert "new.evaluator" not in page.inner_text("table")
    update = hostile_tables()
    update.nodes.loc[update.nodes["id"] == "p3", "label"] = "Olive Via Proxy"
    write_folder(update, folder / "update")
    page.goto(base + "/admin/loads")
    page.set_input_files("input[name=nodes]", str(folder / "update" / "nodes.csv"))
    page.set_input_files("input[name=ties]", str(folder / "update" / "ties.csv"))
    assert "Loaded: nodes 0 added, 1 changed" in _submit(page, "main form button")
    _log_out(page)
    page = _log_in(tls_context, base, "cole")
    assert "Olive Via Proxy" in page.inner_text("main")
    _log_out(page)
    db = AppDB(app_db_path)
    actions = [r[4] for r in db.audit_log()]
    assert actions.count("login.success") == 6 and "data.load" in actions
    assert db.verify_audit()[1] is None


def test_a_post_from_another_origin_or_without_referer_is_refused(proxied, tls_context):
    base, _, _ = proxied
    page = _log_in(tls_context, base, "cora")
    token = page.get_attribute("form.logout input[name=csrf_token]", "value")
    api = tls_context.request  # shares the browser context's cookies
    foreign = api.post(base + "/logout", form={"csrf_token": token}, max_redirects=0,
                       headers={"Origin": "https://evil.example",
                                "Referer": "https://evil.example/x"})
    assert foreign.status == 400
    no_referer = api.post(base + "/logout", form={"csrf_token": token}, max_redirects=0)
    assert no_referer.status == 400  # a valid token, but HTTPS wants this host's Referer
    page.goto(base + "/caseload")
    assert "/caseload" in page.url  # still logged in
    same = api.post(base + "/logout", form={"csrf_token": token}, max_redirects=0,
                    headers={"Origin": base, "Referer": base + "/caseload"})
    assert same.status == 302


def test_nginx_refuses_a_big_anonymous_body_before_it_is_sent(proxied):
    base = proxied[0]
    host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n"
                    b"Content-Length: 50000000\r\n\r\n")  # and not one byte of the body
        started = time.monotonic()
        answer = tls.recv(200)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert time.monotonic() - started < 5


def test_readme_points_at_the_deployed_server_block():
    """One nginx site, in deploy/ (the one this file runs), not a copy in the README."""
    root = Path(__file__).parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "deploy/nginx-lacgraph.conf" in readme
    assert "proxy_set_header" not in readme
    assert "deploy/nginx-lacgraph.conf" in (root / "deploy" / "README.md").read_text(
        encoding="utf-8")
