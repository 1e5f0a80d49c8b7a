"""Logging in and out: CSRF, session cookies, rotation, logout, lockout, audit."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher

from lacgraph.audit.appfile import utcnow
from lacgraph.web.accounts import LOCK_AFTER
from lacgraph.web.appdb import AppDB
from lacgraph.web.sessions import COOKIE
from tests.web.conftest import log_in
from tests.web.fixtures import PASSWORD, QUICK_HASHER, csrf_from


def session_cookie(client):
    return client.get_cookie(COOKIE)


def test_login_page_needs_no_account_and_sets_only_a_session_cookie(app):
    client = app.test_client()
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.text
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on 127.0.0.1


def test_cookie_is_secure_over_https(app):
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_login_without_csrf_token_is_refused(app, app_db):
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"name": "cora", "password": PASSWORD})
    assert response.status_code == 400
    assert "did not come from this site" in response.text
    assert not [r for r in app_db.audit_log() if r[4] == "login.success"]


def test_login_with_a_forged_csrf_token_is_refused(app):
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"name": "cora", "password": PASSWORD,
                                           "csrf_token": "forged"})
    assert response.status_code == 400


def test_csrf_token_of_another_session_is_refused(app):
    attacker = app.test_client()
    token = csrf_from(attacker.get("/login").text)
    victim = app.test_client()
    victim.get("/login")
    response = victim.post("/login", data={"name": "cora", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 400


def test_login_rotates_the_session_id_and_the_old_one_opens_nothing(app):
    client = app.test_client()
    client.get("/login")
    before = session_cookie(client).value
    assert log_in(client, "cora").status_code == 302
    after = session_cookie(client).value
    assert after != before
    assert client.get("/caseload").status_code == 200
    stale = app.test_client()
    stale.set_cookie(COOKIE, before)
    assert stale.get("/caseload").status_code == 302  # back to the login page


def test_logout_kills_the_session_on_the_server(app, login, app_db):
    client = login("cora")
    stolen = session_cookie(client).value
    page = client.get("/caseload")
    sessions_before = app_db.session_count()
    response = client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert app_db.session_count() == sessions_before - 1
    thief = app.test_client()
    thief.set_cookie(COOKIE, stolen)
    response = thief.get("/caseload")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_without_csrf_token_is_refused(login):
    client = login("cora")
    assert client.post("/logout").status_code == 400
    assert client.get("/caseload").status_code == 200  # still logged in


def test_wrong_password_and_unknown_account_look_the_same(app, app_db):
    wrong = log_in(app.test_client(), "cora", "not the password at all")
    unknown = log_in(app.test_client(), "nobody", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong account name or password." in wrong.text
    assert "Wrong account name or password." in unknown.text
    failures = [r for r in app_db.audit_log() if r[4] == "login.failure"]
    assert [r[5] for r in failures] == ["cora", "nobody"]


def test_lockout_after_repeated_failures_even_with_the_right_password(app, app_db):
    client = app.test_client()
    for _ in range(LOCK_AFTER):
        assert log_in(client, "cora", "guess guess guess").status_code == 401
    locked = log_in(client, "cora", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text
    assert client.get("/caseload").status_code == 302  # not logged in
    assert [r[4] for r in app_db.audit_log()][-1] == "login.locked"
    # other accounts are not affected
    assert log_in(app.test_client(), "cole").status_code == 302


def test_backoff_doubles_and_expires(tmp_path):
    db = AppDB(tmp_path / "a.sqlite")
    t = utcnow()
    for _ in range(LOCK_AFTER + 2):
        db.record_failure("x", t)
    assert db.locked_until("x", t) == t + timedelta(seconds=120)  # 30 s doubled twice
    assert db.locked_until("x", t + timedelta(seconds=121)) is None
    db.clear_failures("x")
    assert db.locked_until("x", t) is None


def test_successful_login_is_audited_with_time_and_address(login, app_db):
    login("eve")
    row = [r for r in app_db.audit_log() if r[4] == "login.success"][-1]
    seq, at, user, role, action, target, detail, address = row
    assert (user, role, target, address) == ("eve", "evaluator", "eve", "127.0.0.1")
    assert at.endswith("Z") and len(at) == 20


def test_login_next_only_goes_to_this_site(app):
    client = app.test_client()
    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"name": "cora", "password": PASSWORD,
                                           "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/caseload"


def test_anonymous_is_sent_to_login_and_comes_back(app):
    client = app.test_client()
    response = client.get("/people/p1?at=2024-04-01")
    assert response.status_code == 302
    assert "/login?next=/people/p1" in response.headers["Location"].replace("%2F", "/")
    page = client.get(response.headers["Location"])
    token = csrf_from(page.text)
    assert 'value="/people/p1?at=2024-04-01"' in page.text
    back = client.post("/login", data={"name": "cora", "password": PASSWORD,
                                       "csrf_token": token, "next": "/people/p1?at=2024-04-01"})
    assert back.headers["Location"] == "/people/p1?at=2024-04-01"


def test_removed_account_loses_its_session(login, app_db):
    client = login("cole")
    app_db.remove_user("cole")
    assert client.get("/caseload").status_code == 302


def test_passwords_are_stored_as_argon2_hashes(app_db):
    rows = app_db._run("SELECT password_hash FROM users")
    assert rows and all(h.startswith("$argon2id$") for (h,) in rows)
    assert not any(PASSWORD in h for (h,) in rows)


def test_the_default_hasher_is_argon2_cffis_and_upgrades_cheaper_hashes(tmp_path):
    """The product hashes with argon2-cffi's defaults (3 passes over 64 MiB, 4 lanes);
    an account hashed more cheaply (as the tests' :data:`QUICK_HASHER` does) gets a hash
    with the defaults at its next login, and logs in with either."""
    path = tmp_path / "app.sqlite"
    quick = AppDB(path, hasher=QUICK_HASHER)
    quick.add_user("ann", "evaluator", PASSWORD)
    quick.close()
    stored = AppDB(path)._run("SELECT password_hash FROM users")[0][0]
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
    db = AppDB(path)
    defaults = PasswordHasher()
    assert (defaults.time_cost, defaults.memory_cost, defaults.parallelism) == (3, 65536, 4)
    assert db.check_password("ann", "not the password") is None
    assert db.check_password("ann", PASSWORD).name == "ann"
    upgraded = db._run("SELECT password_hash FROM users")[0][0]
    assert upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert db.check_password("ann", PASSWORD).name == "ann"
    db.add_user("bob", "evaluator", PASSWORD)
    rows = db._run("SELECT password_hash FROM users WHERE name = 'bob'")
    assert rows[0][0].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert db.check_password("nobody", PASSWORD) is None


def test_session_tokens_are_stored_only_as_digests(login, app_db):
    client = login("cora")
    token = session_cookie(client).value
    stored = [d for (d,) in app_db._run("SELECT digest FROM sessions")]
    assert token not in stored and len(stored[0]) == 64


def test_many_names_from_one_address_lock_that_address(app, app_db):
    from lacgraph.web.accounts import LOCK_ADDRESS_AFTER

    client = app.test_client()
    for n in range(LOCK_ADDRESS_AFTER):
        assert log_in(client, f"name{n}", "password123456").status_code == 401
    assert log_in(client, "cora").status_code == 429  # right password, locked address
    other = app.test_client()
    token = csrf_from(other.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}).text)
    response = other.post("/login", data={"name": "cora", "password": PASSWORD,
                                          "csrf_token": token},
                          environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert response.status_code == 302  # another address is not affected


def test_idle_sessions_expire_and_are_purged(app, login, app_db):
    from lacgraph.web.sessions import IDLE

    old = (utcnow() - IDLE - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    client = login("cora")
    app_db._run("UPDATE sessions SET seen_at = ?", (old,))
    assert client.get("/caseload").status_code == 302  # idle too long: log in again
    login("cole"), login("eve")
    assert app_db.session_count() == 2
    app_db._run("UPDATE sessions SET seen_at = ?", (old,))  # both go idle
    login("ada")  # starting a session purges the idle ones
    assert app_db.session_count() == 1


def test_behind_a_tls_proxy_cookies_are_secure(programme_folder, app_db):
    import lacgraph
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.web import create_app

    app = create_app(lacgraph.open(programme_folder), app_db, behind_proxy=True,
                     pseudonymiser=Pseudonymiser(b"k"))
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    plain = create_app(lacgraph.open(programme_folder), app_db,
                       pseudonymiser=Pseudonymiser(b"k"))
    response = plain.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in response.headers["Set-Cookie"]  # header not trusted by default
