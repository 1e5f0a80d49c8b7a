"""The app in a real browser: each role's pages, hostile names, the matrix, headers, CSRF."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.browser.conftest import log_in
from tests.web.fixtures import ACCOUNTS, HOSTILE, HOSTILE_WARD
from tests.web.test_matrix import OTHER, OWN, ROUTES, _url

HOSTILE_ACCOUNT = "<img src=x onerror=window.__pwned=99>"


class Watch:
    """Records dialogs, page errors and CSP violations on a page."""

    def __init__(self, page):
        self.events: list[str] = []
        page.on("dialog", lambda d: (self.events.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("pageerror", lambda e: self.events.append(f"pageerror: {e}"))
        page.on("console", lambda m: self.events.append(f"console: {page.url} {m.text}")
                if "Content Security Policy" in m.text else None)


def no_script_ran(page) -> None:
    """No hostile name's script ran in the page or any of its frames."""
    for frame in page.frames:
        try:
            pwned = frame.evaluate("() => window.__pwned === undefined ? null : window.__pwned")
        except Exception as err:  # a sandboxed frame still answers evaluate
            raise AssertionError(f"cannot inspect frame {frame.url}: {err}") from err
        assert pwned is None, f"script from a name ran in {frame.url}: __pwned={pwned}"


def test_coordinator_finds_a_person_and_sees_the_circle(context, live_server):
    page = log_in(context, live_server, "cora")
    watch = Watch(page)
    assert page.url.endswith("/caseload")
    assert page.get_by_role("heading", name="My caseload").is_visible()
    text = page.inner_text("main")
    assert HOSTILE[3] in text and HOSTILE[4] in text  # her two people, as plain text
    assert "Olive Other" not in text
    page.get_by_role("link", name=HOSTILE[3]).click()
    page.wait_for_load_state()
    assert "/people/p1" in page.url
    for part, value in (("day", "1"), ("month", "2"), ("year", "2024")):  # GOV.UK date input
        page.fill(f"input[name=since-{part}]", value)
    page.click("form.inline button")
    page.wait_for_load_state()
    table = page.inner_text("table.alters")
    for n, name in enumerate(HOSTILE):
        if n % 5 != 1:  # those ties ended on 2024-05-01, the date shown
            assert name.strip() in table, name
    width = page.eval_on_selector("figure img", "img => img.complete && img.naturalWidth")
    assert width and width > 100  # the SVG picture loaded under the CSP
    no_script_ran(page)
    assert watch.events == []


def test_hostile_names_run_no_script_on_any_page(context, live_server):
    # account names are a safe character set now (issue 11.13); a hostile name still
    # reaches the audit log as a failed login's target
    live_server.db.audit("-", "-", "login.failure", HOSTILE_ACCOUNT, "", "127.0.0.1")
    pages = {
        "cora": ["/caseload", "/caseload?q=%3Cscript%3E", "/people/p1",
                 "/people/p1?at=2024-04-15&since=2024-01-01", "/people/p2",
                 "/people/p1/circle.svg", "/people/p1/circle.html", "/people/p3",
                 "/nowhere/%3Cscript%3Ewindow.__pwned=1%3C%2Fscript%3E"],
        "max": ["/neighbourhoods", "/neighbourhoods/North",
                "/neighbourhoods/" + quote(HOSTILE_WARD, safe="")],
        "ada": ["/admin/users", "/admin/audit", "/admin/loads"],
        "eve": ["/growth"],
    }
    checked = 0
    for account, urls in pages.items():
        page = log_in(context, live_server, account)
        watch = Watch(page)
        for url in urls:
            page.goto(live_server.url(url))
            page.wait_for_load_state("load")
            no_script_ran(page)
            checked += 1
        assert watch.events == [], (account, watch.events)
        page.close()
        context.clear_cookies()
    page = context.new_page()
    watch = Watch(page)
    page.goto(live_server.url("/login?next=" + quote('"><script>window.__pwned=5</script>')))
    no_script_ran(page)
    assert watch.events == []
    assert checked >= 16


def test_manager_sees_own_names_and_suppressed_others(context, live_server):
    page = log_in(context, live_server, "max")
    assert page.url.endswith("/neighbourhoods")
    text = page.inner_text("main")
    assert HOSTILE_WARD in text  # the ward name, as text
    page.get_by_role("link", name=HOSTILE_WARD).click()
    page.wait_for_load_state()
    assert HOSTILE[4] in page.inner_text("main")  # p2, isolated, named in the own ward
    no_script_ran(page)


def test_evaluator_sees_growth_without_names(context, live_server):
    page = log_in(context, live_server, "eve")
    assert page.url.endswith("/growth")
    text = page.inner_text("body")
    assert "Cohort growth" in text
    for name in HOSTILE + ["Olive Other"]:
        assert name not in text


def test_admin_sees_accounts_not_people(context, live_server):
    page = log_in(context, live_server, "ada")
    assert page.url.endswith("/admin/users")
    text = page.inner_text("main")
    assert "cora" in text and "coordinator" in text
    assert HOSTILE[3] not in text


def test_logout_in_the_browser_ends_the_session(context, live_server):
    page = log_in(context, live_server, "cora")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.url.endswith("/login")
    page.goto(live_server.url("/people/p1"))
    assert "/login" in page.url


def test_wrong_password_in_the_browser(context, live_server):
    page = log_in(context, live_server, "cole", "definitely not right")
    assert "Wrong account name or password." in page.inner_text("main")


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_matrix_over_real_http(context, live_server, account):
    """Every route for every account over real HTTP with the browser's own cookies."""
    log_in(context, live_server, account).close()
    role = ACCOUNTS[account]["role"]
    denied = 0
    for owner, template in ROUTES:
        response = context.request.get(live_server.url(_url(template, **OWN[account])),
                                       max_redirects=0)
        if owner != role:
            assert response.status == 403, (account, template, response.status)
            denied += 1
        else:
            assert response.status == 200, (account, template, response.status)
            for other in OTHER.get(account, []):
                (key, value), = other.items()
                if "{" + key + "}" in template:
                    url = _url(template, **{key: value})
                    answer = context.request.get(live_server.url(url), max_redirects=0)
                    assert answer.status == 404, (account, url, answer.status)
                    denied += 1
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"  # issue 11.1
        assert "frame-ancestors" in headers["content-security-policy"]
        assert headers["cache-control"] == "no-store"
    assert denied >= sum(owner != role for owner, _ in ROUTES)


def test_anonymous_matrix_over_real_http(context, live_server):
    for _, template in ROUTES:
        response = context.request.get(live_server.url(_url(template, person="p1",
                                                            ward="North")), max_redirects=0)
        assert response.status in (302, 401), (template, response.status)


def test_post_without_csrf_token_is_refused(context, live_server):
    page = log_in(context, live_server, "ada")
    response = context.request.post(live_server.url("/admin/users"), form={
        "name": "sneaky", "role": "admin", "password": "a long enough password"})
    assert response.status == 400
    assert live_server.db.user("sneaky") is None
    response = context.request.post(live_server.url("/logout"))
    assert response.status == 400
    page.goto(live_server.url("/admin/users"))
    assert page.url.endswith("/admin/users")  # still logged in
    # a form whose token was stripped in the page is refused too
    page.evaluate("() => document.querySelectorAll('input[name=csrf_token]')"
                  ".forEach(e => e.remove())")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert "did not come from this site" in page.inner_text("main")
