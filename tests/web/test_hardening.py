"""Issue 11: sessions, login, lockout, accounts, the signing key and the audit log."""

from __future__ import annotations

import threading

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.web import AppDB, create_app
from lacgraph.web.accounts import LOCK_AFTER
from lacgraph.web.sessions import COOKIE
from tests.web.conftest import log_in
from tests.web.fixtures import PASSWORD, csrf_from


# -- 7: open redirect ------------------------------------------------------------------------
def _login_with_next(app, target: str):
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    return client.post("/login", data={"name": "cora", "password": PASSWORD,
                                       "csrf_token": token, "next": target})


def test_next_normalised_like_a_browser_cannot_leave_the_site(app):
    for target in ("/\t/evil.example", "/\n/evil.example", "/\\evil.example",
                   "/\\/evil.example", " //evil.example", "/\r/evil.example"):
        response = _login_with_next(app, target)
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/caseload", target


def test_next_with_cr_lf_is_not_a_500(app):
    response = _login_with_next(app, "/caseload\r\nSet-Cookie: x=y")
    assert response.status_code == 302 and response.headers["Location"] == "/caseload"
    page = app.test_client().get("/login?next=/%09/evil.example")
    assert page.status_code == 200 and 'name="next" value=""' in page.text
    page = app.test_client().get("/login?next=/x%0d%0aSet-Cookie:%20a=b")
    assert page.status_code == 200


# -- 9: lockout ------------------------------------------------------------------------------
def test_parallel_guesses_cannot_pass_the_lock_check(app, app_db):
    barrier = threading.Barrier(24)
    codes: list[int] = []

    def guess() -> None:
        client = app.test_client()
        token = csrf_from(client.get("/login").text)
        barrier.wait()
        response = client.post("/login", data={"name": "cora", "password": "wrong guess 123",
                                               "csrf_token": token})
        codes.append(response.status_code)

    threads = [threading.Thread(target=guess) for _ in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked = [r for r in app_db.audit_log() if r[4] == "login.failure"]
    assert len(checked) == LOCK_AFTER  # the rest were refused before the password check
    assert codes.count(401) == LOCK_AFTER and codes.count(429) == 24 - LOCK_AFTER


def _post_login(app, name: str, password: str, address: str):
    client = app.test_client()
    token = csrf_from(client.get("/login", environ_base={"REMOTE_ADDR": address}).text)
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_a_guesser_elsewhere_does_not_lock_the_real_user_out(app):
    for _ in range(LOCK_AFTER + 3):
        _post_login(app, "cora", "wrong guess 123", "10.6.6.6")
    assert _post_login(app, "cora", PASSWORD, "10.6.6.6").status_code == 429
    assert _post_login(app, "cora", PASSWORD, "10.1.1.1").status_code == 302
    assert _post_login(app, "CORA", PASSWORD, "10.1.1.2").status_code == 302  # any case


# -- 10, 11: sessions ------------------------------------------------------------------------
def test_anonymous_login_page_stores_no_session_row(app, app_db):
    before = app_db.session_count()
    for _ in range(20):
        client = app.test_client()
        response = client.get("/login")
        assert response.status_code == 200 and COOKIE in response.headers["Set-Cookie"]
    assert app_db.session_count() == before
    client = app.test_client()
    assert log_in(client, "cora").status_code == 302  # the signed cookie carries the token
    assert app_db.session_count() == before + 1
    assert client.get("/caseload").status_code == 200


def test_a_malformed_or_forged_session_cookie_is_no_session(app):
    for value in ("é", "x" * 3000, "a.b.c", "%00", "eyJ1c2VyIjoiYWRhIn0.AAAA.BBBB"):
        client = app.test_client()
        client.set_cookie(COOKIE, value)
        assert client.get("/login").status_code == 200, value
        response = client.get("/caseload")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_signed_cookie_cannot_claim_a_user(app):
    from itsdangerous import URLSafeTimedSerializer

    from lacgraph.web.sessions import SALT

    forged = URLSafeTimedSerializer(app.secret_key, salt=SALT).dumps({"user": "ada"})
    client = app.test_client()
    client.set_cookie(COOKIE, forged)
    assert client.get("/admin/users").status_code == 302


# -- 12: audit -------------------------------------------------------------------------------
def test_denials_of_every_role_and_admin_views_are_audited(login, app_db):
    for name, url in (("cora", "/admin/users"), ("eve", "/caseload"), ("max", "/growth"),
                      ("ada", "/people/p1"), ("mia", "/neighbourhoods/North"),
                      ("cora", "/no/such/page")):
        status = login(name).get(url).status_code
        assert status in (403, 404), (name, url)
        rows = [r for r in app_db.audit_log(user=name) if r[4].startswith("denied.")]
        assert rows and rows[-1][5] == url and rows[-1][4] == f"denied.{status}", (name, url)
    admin = login("ada")
    admin.get("/admin/users"), admin.get("/admin/loads")
    actions = [r[4] for r in app_db.audit_log(user="ada")]
    assert "view.users" in actions and "view.loads" in actions


def test_audit_rows_written_together_by_many_threads_and_two_processes_chain(tmp_path):
    """Rows audited at the same moment by many threads (written in shared transactions) and
    by a second app database on the same file (another server process) all arrive, each
    once, and the hash chain verifies."""
    path = tmp_path / "app.sqlite"
    first, second = AppDB(path), AppDB(path)
    start = threading.Barrier(8)

    def views(db: AppDB, thread: int) -> None:
        start.wait()
        for k in range(40):
            db.audit("cora", "coordinator", "view.person", f"p{thread}-{k}")

    threads = [threading.Thread(target=views, args=(first if t % 2 else second, t))
               for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first.close(), second.close()
    reopened = AppDB(path)
    targets = [row[5] for row in reopened.audit_log()]
    assert sorted(targets) == sorted(f"p{t}-{k}" for t in range(8) for k in range(40))
    assert reopened.verify_audit() == (320, None)
    # each thread's rows are in the order it wrote them
    for t in range(8):
        mine = [x for x in targets if x.startswith(f"p{t}-")]
        assert mine == [f"p{t}-{k}" for k in range(40)]


def test_a_view_whose_audit_line_cannot_be_written_is_not_shown(login, app_db):
    """The page is written while its audit line goes to disk, but it only leaves once the
    line is there: when writing fails, the answer is an error page, never the person."""
    import sqlite3

    client = login("cora")
    name = client.get("/people/p1").text.split('class="person-name">')[1].split("<")[0]
    assert name
    other = sqlite3.connect(app_db.path)
    other.execute("ALTER TABLE audit RENAME TO audit_elsewhere")
    other.commit()
    response = client.get("/people/p1")
    assert response.status_code == 500
    assert name not in response.text
    other.execute("ALTER TABLE audit_elsewhere RENAME TO audit")
    other.commit()
    other.close()
    assert client.get("/people/p1").status_code == 200
    assert app_db.verify_audit()[1] is None


def test_users_add_in_the_web_records_the_grants_and_checks_the_data(login, app_db):
    client = login("ada")
    token = csrf_from(client.get("/admin/users").text)
    ok = client.post("/admin/users", data={"csrf_token": token, "name": "newman",
                                           "role": "manager", "team": ["North", "South"],
                                           "password": "a long enough password"})
    assert ok.status_code == 302
    row = app_db.audit_log(action="user.add")[-1]
    assert row[5] == "newman" and row[6] == "role=manager teams=North;South"
    bad = client.post("/admin/users", data={"csrf_token": token, "name": "newc",
                                            "role": "coordinator", "coordinator": "p1",
                                            "password": "a long enough password"})
    assert bad.status_code == 400 and "not a coordinator id in the data" in bad.text
    bad = client.post("/admin/users", data={"csrf_token": token, "name": "newm",
                                            "role": "manager", "team": "Atlantis",
                                            "password": "a long enough password"})
    assert bad.status_code == 400 and "not a neighbourhood in the data" in bad.text


# -- 13: accounts ----------------------------------------------------------------------------
def test_names_are_nfkc_case_insensitive_unique_and_safe(tmp_path):
    from lacgraph.errors import InputError

    db = AppDB(tmp_path / "a.sqlite")
    db.add_user("Ann", "evaluator", PASSWORD)
    for clash in ("ann", "ANN", "\uff21nn", " Ann "):  # full-width A, spaces
        try:
            db.add_user(clash, "evaluator", PASSWORD)
        except InputError as err:
            assert "already exists" in err.report()
        else:
            raise AssertionError(f"{clash!r} was accepted beside 'Ann'")
    for bad in ("a/b", "a b", "<b>", "x\x1b[2J", "../admin", "", "a" * 65, "_x", ".x"):
        try:
            db.add_user(bad, "evaluator", PASSWORD)
        except InputError as err:
            assert "letters, digits" in err.report()
        else:
            raise AssertionError(f"{bad!r} was accepted")
    assert db.check_password("\uff41nn", PASSWORD).name == "Ann"


def test_admin_removes_a_dotted_name_with_its_button(login, app_db):
    app_db.add_user("j.smith@council", "evaluator", PASSWORD)
    client = login("ada")
    page = client.get("/admin/users").text
    token = csrf_from(page)
    assert 'action="/admin/users/j.smith@council/remove"' in page
    assert client.post("/admin/users/j.smith@council/remove",
                       data={"csrf_token": token}).status_code == 302
    assert app_db.user("j.smith@council") is None


def test_user_changes_own_password_and_other_sessions_end(app, login, app_db):
    laptop, phone = login("eve"), login("eve")
    token = csrf_from(laptop.get("/account/password").text)
    wrong = laptop.post("/account/password", data={
        "csrf_token": token, "current": "not it", "new": "a brand new password",
        "again": "a brand new password"})
    assert wrong.status_code == 400 and "current password is wrong" in wrong.text
    done = laptop.post("/account/password", data={
        "csrf_token": token, "current": PASSWORD, "new": "a brand new password",
        "again": "a brand new password"})
    assert done.status_code == 200 and "password was changed" in done.text
    assert laptop.get("/growth?months=3").status_code == 200  # this session goes on
    assert phone.get("/growth?months=3").status_code == 302  # the other one ended
    assert app_db.check_password("eve", "a brand new password") is not None
    assert app_db.check_password("eve", PASSWORD) is None


def test_admin_resets_a_password_and_ends_sessions(login, app_db):
    victim = login("cora")
    admin = login("ada")
    token = csrf_from(admin.get("/admin/users").text)
    ended = admin.post("/admin/users/cora/logout", data={"csrf_token": token})
    assert ended.status_code == 200 and "Ended 1 session" in ended.text
    assert victim.get("/caseload").status_code == 302
    victim = login("cora")
    reset = admin.post("/admin/users/cora/password", data={
        "csrf_token": token, "password": "reset by the admin"})
    assert reset.status_code == 200 and "New password set" in reset.text
    assert victim.get("/caseload").status_code == 302
    assert app_db.check_password("cora", "reset by the admin") is not None
    actions = [r[4] for r in app_db.audit_log(user="ada")]
    assert "user.logout" in actions and "user.password-reset" in actions


# -- 14: signing key -------------------------------------------------------------------------
def test_a_form_stays_valid_across_a_restart_and_a_second_process(programme_folder, app_db):
    G = lacgraph.open(programme_folder)
    first = create_app(G, app_db, pseudonymiser=Pseudonymiser(b"k"))
    client = first.test_client()
    token = csrf_from(client.get("/login").text)
    second = create_app(G, AppDB(app_db.path), pseudonymiser=Pseudonymiser(b"k"))
    other = second.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    response = other.post("/login", data={"name": "cora", "password": PASSWORD,
                                          "csrf_token": token})
    assert response.status_code == 302
    assert first.secret_key == second.secret_key


# -- 8: bounded caches, dates in range, no blocking --------------------------------------------
def test_dates_outside_the_data_or_not_dates_are_a_clear_400(login):
    client = login("max")
    for value, words in (("today", "is not a date"), ("+10000-01-01", "is not a date"),
                         ("1900-01-01", "outside the data"), ("2999-12-31", "outside the data"),
                         ("x" * 500, "not a date")):
        response = client.get(f"/neighbourhoods?at={value}")
        assert response.status_code == 400, value
        assert words in response.text, value
    assert client.get("/neighbourhoods?at=31/03/2024").status_code == 200


def test_caches_are_bounded(app, login):
    from lacgraph.network import SNAPSHOTS_KEPT
    from lacgraph.web.context import RESULTS_KEPT

    manager = login("max")
    for day in range(1, 29):
        assert manager.get(f"/neighbourhoods?at=2024-02-{day:02d}").status_code == 200
    programme = app.extensions["lacgraph.programme"]
    assert len(programme.G._snapshots) <= SNAPSHOTS_KEPT
    evaluator = login("eve")
    for months in range(1, RESULTS_KEPT + 6):
        assert evaluator.get(f"/growth/summary.json?months={months}").status_code == 200
    assert len(programme.results.keys()) == RESULTS_KEPT


def test_a_slow_growth_computation_does_not_block_cached_pages(app, login, monkeypatch):
    import lacgraph.web.evaluator as evaluator_views

    real = evaluator_views.growth
    release = threading.Event()
    started = threading.Event()

    def slow(G, **window):
        if window.get("months") == 7:
            started.set()
            assert release.wait(60)
        return real(G, **window)

    monkeypatch.setattr(evaluator_views, "growth", slow)
    first, second = login("eve"), login("eve")
    assert first.get("/growth?months=3").status_code == 200  # cached now
    slow_thread = threading.Thread(target=lambda: first.get("/growth?months=7"))
    slow_thread.start()
    assert started.wait(30)
    answers: list[int] = []
    fast = threading.Thread(target=lambda: answers.append(
        second.get("/growth?months=3").status_code))
    fast.start()
    fast.join(timeout=20)
    finished_while_blocked = not fast.is_alive()
    release.set()
    slow_thread.join(timeout=60)
    fast.join(timeout=60)
    assert finished_while_blocked and answers == [200]


def test_failures_from_many_addresses_only_delay_the_account_briefly(tmp_path):
    from datetime import timedelta

    from lacgraph.audit.appfile import utcnow
    from lacgraph.web.accounts import ACCOUNT_DELAY, ACCOUNT_SLOW_AFTER

    db = AppDB(tmp_path / "a.sqlite")
    t = utcnow()
    passed = [db.begin_attempt("cora", f"10.9.0.{n}", t) is None  # a botnet: 40 addresses
              for n in range(40)]
    assert sum(passed) == ACCOUNT_SLOW_AFTER  # then every guess waits ACCOUNT_DELAY
    until = db.locked_until("cora", t, address="10.1.1.1")
    assert until is not None and until - t <= ACCOUNT_DELAY  # a few seconds, not a lock
    assert db.locked_until("cora", t + ACCOUNT_DELAY + timedelta(seconds=1),
                           address="10.1.1.1") is None
