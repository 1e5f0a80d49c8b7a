"""Issue 23 (11): logins. Only failures count (per account and per address): an office
behind one address logging in all day is never locked out; account names whose Unicode
TR39 skeleton matches an existing one are refused (the eight lookalikes of
``demo-admin``); "Change password" shares the login's attempt limits; every admin page
view is audited."""

from __future__ import annotations

import pytest

from lacgraph.errors import InputError
from lacgraph.web import AppDB
from lacgraph.web.accounts import LOCK_ADDRESS_AFTER, LOCK_AFTER
from tests.web.conftest import log_in
from tests.web.fixtures import ACCOUNTS, PASSWORD, QUICK_HASHER, csrf_from

LOOKALIKES = {
    "demо-admin": "Cyrillic о",
    "dеmo-admin": "Cyrillic е",
    "demo-аdmin": "Cyrillic а",
    "ԁemo-admin": "Cyrillic komi de ԁ",
    "demo-admın": "dotless ı",
    "demo-admİn": "capital I with dot İ",
    "ǅemo-admin": "the digraph ǅ (reads Dž, as in the account 'dzemo-admin')",
    "demo-admiń": "n with acute ń",
}


def test_successful_logins_from_one_address_never_lock_it(app, app_db):
    for n in range(2 * LOCK_ADDRESS_AFTER):  # everyone in one office, all day
        client = app.test_client()
        name = list(ACCOUNTS)[n % len(ACCOUNTS)]
        assert log_in(client, name).status_code == 302, n
    assert log_in(app.test_client(), "ada").status_code == 302
    # failures still count for the address, as before
    for n in range(LOCK_ADDRESS_AFTER):
        assert log_in(app.test_client(), f"nobody{n}", "wrong").status_code == 401
    assert log_in(app.test_client(), "ada").status_code == 429


@pytest.mark.parametrize("name", list(LOOKALIKES))
def test_lookalikes_of_an_account_name_are_refused(tmp_path, name):
    db = AppDB(tmp_path / "app.sqlite", hasher=QUICK_HASHER)
    db.add_user("demo-admin", "admin", PASSWORD)
    db.add_user("dzemo-admin", "admin", PASSWORD)
    with pytest.raises(InputError) as caught:
        db.add_user(name, "admin", PASSWORD)
    assert "looks like the existing account" in caught.value.report(), LOOKALIKES[name]
    assert len(db.users()) == 2
    db.add_user("demo-adam", "admin", PASSWORD)  # a different name is still welcome
    db.add_user("Siân", "evaluator", PASSWORD)
    with pytest.raises(InputError):
        db.add_user("Sian", "evaluator", PASSWORD)


def test_the_admin_form_refuses_a_lookalike(login, app_db):
    ada = login("ada")
    token = csrf_from(ada.get("/admin/users").text)
    response = ada.post("/admin/users", data={
        "csrf_token": token, "name": "аda", "role": "evaluator", "password": PASSWORD * 2})
    assert response.status_code == 400 and "looks like the existing account" in response.text
    assert [u.name for u in app_db.users()].count("аda") == 0


def test_change_password_shares_the_login_limits(app, app_db):
    cora = app.test_client()
    assert log_in(cora, "cora").status_code == 302
    token = csrf_from(cora.get("/account/password").text)
    form = {"csrf_token": token, "new": "a new long passphrase", "again":
            "a new long passphrase"}
    for _ in range(LOCK_AFTER):
        response = cora.post("/account/password", data={**form, "current": "guess"})
        assert response.status_code == 400
    response = cora.post("/account/password", data={**form, "current": PASSWORD})
    assert response.status_code == 429  # locked, even with the right password
    assert log_in(app.test_client(), "cora").status_code == 429  # the same limit
    assert app_db.check_password("cora", PASSWORD) is not None  # unchanged
    assert app_db.audit_log(action="password.locked")


def test_every_admin_page_view_is_audited(app, login, app_db):
    ada = login("ada")
    pages = sorted(r.rule for r in app.url_map.iter_rules()
                   if r.rule.startswith("/admin") and "GET" in r.methods and not r.arguments)
    assert "/admin/rights" in pages
    for page in pages:
        url = page + {"/admin/rights/export": "?person=p1",
                      "/admin/duplicates/merge": "?keep=a00&drop=a01"}.get(page, "")
        before = len(app_db.audit_log(user="ada"))
        response = ada.get(url)
        assert response.status_code == 200, url
        assert len(app_db.audit_log(user="ada")) > before, f"{url} was not audited"
