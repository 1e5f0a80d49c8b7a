"""The role x route x object matrix: every cell answered on the server, denied cells 403/404.

Each route belongs to one role. For every account (and anonymous):
* anonymous → the login page (302), or 401 JSON under /api/;
* another role's route → 403;
* its own role's route about someone else's object → 404 (another coordinator's person, a
  made-up id, a group's id, a neighbourhood outside the manager's team);
* its own role's route about its own object → 200.
"""

from __future__ import annotations

import pytest

from tests.web.fixtures import ACCOUNTS, HOSTILE_WARD

# (owner role, route template)
ROUTES = [
    ("coordinator", "/caseload"),
    ("coordinator", "/people/{person}"),
    ("coordinator", "/people/{person}/circle.svg"),
    ("coordinator", "/people/{person}/family.svg"),
    ("coordinator", "/people/{person}/circle.html"),
    ("coordinator", "/people/{person}/circle.csv"),
    ("coordinator", "/people/{person}/print"),
    ("coordinator", "/api/people/{person}/circle"),
    ("coordinator", "/people/{person}/find.json?q=a"),
    ("evaluator", "/growth"),
    ("evaluator", "/growth/change.svg"),
    ("evaluator", "/growth/people.csv"),
    ("evaluator", "/growth/summary.json"),
    ("manager", "/neighbourhoods"),
    ("manager", "/neighbourhoods/{ward}"),
    ("manager", "/neighbourhoods.csv"),
    ("manager", "/where-to-act"),
    ("manager", "/where-to-act/neighbourhoods.csv"),
    ("manager", "/where-to-act/groups.csv"),
    ("manager", "/where-to-act/gaps.csv"),
    ("admin", "/admin/users"),
    ("admin", "/admin/loads"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/rights"),
    ("admin", "/admin/rights/export?person={person}"),
    ("admin", "/admin/duplicates"),
    ("admin", "/admin/duplicates/merge?keep=a00&drop=a01"),
]

OWN = {"cora": {"person": "p1", "ward": "North"}, "cole": {"person": "p3", "ward": "North"},
       "max": {"person": "p1", "ward": "North"}, "mia": {"person": "p1", "ward": "South"},
       "eve": {"person": "p1", "ward": "North"}, "ada": {"person": "p1", "ward": "North"}}
"""Each account's own objects (for roles without such objects, any value)."""

OTHER = {"cora": [{"person": "p3"}, {"person": "q3"}, {"person": "nobody"},
                  {"person": "g1"}, {"person": "c1"}],
         "cole": [{"person": "p1"}, {"person": "p2"}, {"person": "a00"}],
         "max": [{"ward": "South"}, {"ward": "Nowhere"}],
         "mia": [{"ward": "North"}, {"ward": HOSTILE_WARD}]}
"""Objects each account must not reach through its own routes."""


def _url(template: str, **values: str) -> str:
    from urllib.parse import quote

    return template.format(**{k: quote(v, safe="") for k, v in values.items()})


@pytest.mark.parametrize("owner,template", ROUTES)
def test_anonymous_is_asked_to_log_in(app, owner, template):
    response = app.test_client().get(_url(template, person="p1", ward="North"))
    if template.startswith("/api/"):
        assert response.status_code == 401
        assert response.json == {"error": {"status": 401, "message": "Please log in."}}
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("account", sorted(ACCOUNTS))
def test_every_account_on_every_route(login, account):
    client = login(account)
    role = ACCOUNTS[account]["role"]
    seen = []
    for owner, template in ROUTES:
        url = _url(template, **OWN[account])
        status = client.get(url).status_code
        expected = {403} if owner != role else {200}
        seen.append((url, status))
        assert status in expected, (account, url, status)
        if owner != role:
            continue
        for other in OTHER.get(account, []):
            (key, value), = other.items()
            if "{" + key + "}" not in template:
                continue
            url = _url(template, **{key: value})
            status = client.get(url).status_code
            assert status == 404, (account, url, status)
            seen.append((url, status))
    assert len(seen) >= len(ROUTES)


def test_other_person_via_api_gets_the_json_error_shape(login):
    response = login("cora").get("/api/people/p3/circle")
    assert response.status_code == 404
    assert response.json == {"error": {"status": 404, "message":
                                       "There is nothing here (or nothing you may see)."}}


def test_wrong_role_on_api_gets_json_403(login):
    response = login("eve").get("/api/people/p1/circle")
    assert response.status_code == 403
    assert response.json["error"]["status"] == 403


def test_denied_person_lookups_are_audited(login, app_db):
    login("cora").get("/people/p3")
    row = app_db.audit_log(action="denied.person")[-1]
    assert (row[2], row[5]) == ("cora", "p3")


def test_admin_posts_are_for_admins_only(login):
    from tests.web.fixtures import csrf_from

    client = login("cora")
    token = csrf_from(client.get("/caseload").text)
    response = client.post("/admin/users", data={"csrf_token": token, "name": "x",
                                                 "role": "admin", "password": "p" * 20})
    assert response.status_code == 403
    response = client.post("/admin/users/ada/remove", data={"csrf_token": token})
    assert response.status_code == 403
