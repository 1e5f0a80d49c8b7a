"""What each role's pages show and hide, headers on every route, errors, hostile names."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from markupsafe import escape

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.tables import Tables
from lacgraph.web import create_app
from tests.web.conftest import log_in
from tests.web.fixtures import ACCOUNTS, HOSTILE, HOSTILE_WARD, csrf_from
from tests.web.test_matrix import OWN, ROUTES, _url


def esc(text: str) -> str:
    """``text`` as Jinja's autoescape writes it."""
    return str(escape(text))


ALL_NAMES = HOSTILE + ["Olive Other", "Quentin Quiet", "Cara Second"]


def _pages(login):
    """(client, url) for every route of every role, plus login, health, static and errors."""
    for account in ACCOUNTS:
        client = login(account)
        role = ACCOUNTS[account]["role"]
        for owner, template in ROUTES:
            yield client, _url(template, **OWN[account]), owner == role
        yield client, "/no/such/page", False
        yield client, "/people/p3", False


def test_every_route_carries_the_security_headers(app, login):
    anonymous = app.test_client()
    cases = [(anonymous, "/login"), (anonymous, "/healthz"), (anonymous, "/"),
             (anonymous, "/static/style.css"), (anonymous, "/api/people/p1/circle"),
             (anonymous, "/nowhere"), (anonymous, "/account/password"),
             (login("eve"), "/account/password"), (login("eve"), "/account/language"),
             (login("ada"), "/admin/rights"),
             (login("ada"), "/admin/rights/export")]
    cases += [(client, url) for client, url, _ in _pages(login)]
    cases += [(login("eve"), "/report.html?months=3")]  # managers' and evaluators' (an attachment)
    rules = {r.rule for r in app.url_map.iter_rules()}
    covered = set()
    for client, url in cases:
        response = client.get(url)
        response.close()
        h = response.headers
        csp = h["Content-Security-Policy"]
        assert "default-src 'none'" in csp, url
        assert "'unsafe-eval'" not in csp, url
        if url.endswith("/circle.html") and response.status_code == 200:
            assert "frame-ancestors 'self'" in csp and "sandbox allow-scripts" in csp
            assert "connect-src 'none'" in csp
        elif response.mimetype == "image/svg+xml":
            assert "script-src" not in csp and "sandbox" in csp, url
            assert "frame-ancestors 'none'" in csp, url
        else:
            assert "frame-ancestors 'none'" in csp, url
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
            assert h["X-Frame-Options"] == "DENY"
        assert h["X-Content-Type-Options"] == "nosniff", url
        assert h["Referrer-Policy"] == "same-origin", url
        if url.startswith("/static/"):
            assert "max-age" in h["Cache-Control"]
        else:
            assert h["Cache-Control"] == "no-store", url
        for rule in rules:
            pattern = "^" + re.sub(r"<(?:\w+:)?\w+>", "[^?]+", rule) + "$"
            if re.match(pattern, url.split("?")[0]):
                covered.add(rule)
    post_only = {"/logout", "/admin/users/<name>/remove", "/admin/users/<name>/password",
                 "/admin/users/<name>/logout", "/admin/rights/erase", "/people/<person>/review",
                 *(f"/people/<person>/connections/{a}" for a in ("add", "end", "correct"))}
    missing = rules - covered - post_only  # POST only: test_post_only_routes_carry_headers_too
    assert not missing, f"routes without a header check: {missing}"


def test_post_only_routes_carry_headers_too(login):
    client = login("ada")
    token = csrf_from(client.get("/admin/users").text)
    response = client.post("/admin/users/nobody/remove", data={"csrf_token": token})
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    response = client.post("/logout", data={"csrf_token": token})
    assert response.headers["Cache-Control"] == "no-store"
    client = login("cora")
    token = csrf_from(client.get("/caseload").text)
    for action in ("review", "connections/add", "connections/end", "connections/correct"):
        response = client.post(f"/people/p3/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action  # another coordinator's person
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_caseload_lists_only_own_people_with_names_escaped(login):
    page = login("cora").get("/caseload").text
    assert esc(HOSTILE[3]) in page
    assert "/people/p1" in page and "/people/p2" in page
    assert "Olive Other" not in page and "/people/p3" not in page
    assert "<script>window.__pwned" not in page
    other = login("cole").get("/caseload").text
    assert "Olive Other" in other and "/people/p1" not in other


def test_caseload_search(login):
    client = login("cole")
    assert "Olive Other" in client.get("/caseload?q=olive").text
    assert "Olive Other" not in client.get("/caseload?q=nobody").text


def test_person_page_shows_the_circle_with_every_hostile_name_as_text(login):
    page = login("cora").get("/people/p1?at=2024-04-15").text
    for name in HOSTILE:  # every alter's tie is active on 2024-04-15
        assert esc(name) in page, name
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page and "<svg onload" not in page
    assert "Olive Other" not in page


def test_person_page_at_a_date_shows_only_ties_active_then(login):
    client = login("cora")
    early = client.get("/api/people/p1/circle?at=2023-06-01").json
    later = client.get("/api/people/p1/circle?at=2024-05-01").json
    early_ids = {a["id"] for a in early["alters"]}
    later_ids = {a["id"] for a in later["alters"]}
    # by hand: on 2023-06-01 only the alters with n % 3 != 0 (started 2023-01-01) and s1
    assert early_ids == {f"a{n:02d}" for n in range(len(HOSTILE)) if n % 3 != 0} | {"s1"}
    # on 2024-05-01 the ties with n % 5 == 1 have ended; the group and coordinator joined
    assert later_ids == ({f"a{n:02d}" for n in range(len(HOSTILE)) if n % 5 != 1}
                         | {"s1", "g1", "c1"})
    assert later["at"] == "2024-05-01"


def test_circle_picture_is_svg_with_names_as_text(login):
    response = login("cora").get("/people/p1/circle.svg?at=2024-04-15")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    svg = response.data.decode()
    root = ET.fromstring(response.data)  # well-formed: no name broke the XML
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in ("script", "foreignObject", "iframe", "a"), tag
        assert not [a for a in element.attrib if a.lower().startswith("on")]
    assert "Cost $5 or $10" in svg  # a name with dollar signs is text, not mathtext


def test_circle_download_is_formula_safe_and_audited(login, app_db):
    response = login("cora").get("/people/p1/circle.csv?at=2024-04-15")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    frame = pd.read_csv(io.StringIO(response.text), dtype=str, keep_default_na=False)
    hyperlink = frame.loc[frame["id"] == "a10", "label"].iloc[0]
    assert hyperlink == "'" + HOSTILE[10]
    row = app_db.audit_log(action="download.*")[-1]
    assert row[2:6] == ("cora", "coordinator", "download.circle", "p1")


def test_every_person_view_is_audited(login, app_db):
    client = login("cora")
    client.get("/people/p1?at=2024-04-15&since=2024-01-01")
    client.get("/people/p1/circle.svg")
    client.get("/api/people/p1/circle")
    actions = [(r[4], r[5]) for r in app_db.audit_log(user="cora")]
    assert ("view.person", "p1") in actions
    assert ("view.circle-picture", "p1") in actions
    assert ("view.person-api", "p1") in actions
    detail = [r[6] for r in app_db.audit_log(action="view.person")][-1]
    assert detail == "at=2024-04-15 since=2024-01-01"


def test_since_and_timeline_show_the_changes(login):
    page = login("cora").get("/people/p1?at=2024-05-01&since=2024-02-01").text
    assert "What changed since 1 February 2024" in page
    assert f"<li>New: {esc(HOSTILE[0])}, friend, introduced by" in page  # a00 joined 1 April
    assert f"<li>Ended: {esc(HOSTILE[1])}, family, 1 May 2024</li>" in page
    page = login("cora").get("/people/p1?at=30/04/2024&since=01/02/2024").text
    assert "Ended:" not in page and "What changed since 1 February 2024" in page


def test_bad_date_is_a_friendly_400(login):
    response = login("cora").get("/people/p1?at=yesterday")
    assert response.status_code == 400
    assert "There is a problem" in response.text and 'href="#at"' in response.text
    assert "The circle date must be a real date" in response.text
    assert "Traceback" not in response.text
    assert "<h1>" in response.text and "circle of support</h1>" in response.text
    api = login("cora").get("/api/people/p1/circle?at=2024-13-45")
    assert api.status_code == 400 and api.json["error"]["status"] == 400


def test_unknown_page_is_friendly_html(app):
    response = app.test_client().get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "There is nothing here" in response.text


def test_an_unexpected_error_is_a_friendly_500_without_traceback(app, login, monkeypatch):
    client = login("cora")
    programme = app.extensions["lacgraph.programme"]

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(programme, "person_network", broken)
    monkeypatch.setattr(programme, "first_view", broken)  # the page's first-view index
    response = client.get("/people/p1")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "secret internals" not in response.text and "Traceback" not in response.text
    api = client.get("/api/people/p1/circle")
    assert api.json == {"error": {"status": 500, "message":
                                  "Something went wrong on our side. The problem has been "
                                  "logged."}}


# -- managers ------------------------------------------------------------------------------
def test_manager_overview_exact_for_own_team_suppressed_for_others(login):
    page = login("mia").get("/neighbourhoods?at=2024-05-01").text
    rows = dict(re.findall(r"<tr class=\"[^\"]*\"><td>(?:<a [^>]+>)?([^<]+)(?:</a>)?</td>\s*"
                           r"<td>([^<]+)</td>", page))
    # people per neighbourhood, by hand: North = p1 + 24 alters + i1 + i2 = 27 (suppressed
    # to 25 for mia); South = p3 + q3 = 2 (mia's own: exact); the hostile ward = p2 only.
    assert rows["South"] == "2"
    assert rows["North"] == "25"
    assert rows[esc(HOSTILE_WARD)] == "*"


def test_manager_sees_names_only_in_own_neighbourhoods(login):
    client = login("max")
    page = client.get("/neighbourhoods/" + _quote(HOSTILE_WARD) + "?at=2024-05-01")
    assert page.status_code == 200
    assert esc(HOSTILE[4]) in page.text  # p2, isolated
    assert "<script>window.__pwned" not in page.text
    assert client.get("/neighbourhoods/South").status_code == 404
    overview = client.get("/neighbourhoods").text
    assert "Olive Other" not in overview and "Quentin Quiet" not in overview


def test_manager_names_can_be_switched_off(programme_folder, app_db):
    app = create_app(lacgraph.open(programme_folder), app_db, manager_names="none",
                     pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    log_in(client, "max")
    page = client.get("/neighbourhoods/" + _quote(HOSTILE_WARD)).text
    assert "Names are not shown" in page
    assert esc(HOSTILE[4]) not in page


def test_manager_download_is_suppressed_everywhere(login, app_db):
    response = login("max").get("/neighbourhoods.csv?at=2024-05-01")
    frame = pd.read_csv(io.StringIO(response.text), dtype=str, keep_default_na=False)
    table = frame.set_index("neighbourhood")
    assert table.loc["North", "people"] == "25"  # even the team's own: it leaves the team
    assert table.loc["South", "people"] == "*"
    assert table.loc[HOSTILE_WARD, "isolated"] == "*"
    assert app_db.audit_log(action="download.neighbourhoods")[-1][2] == "max"


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


# -- evaluators ----------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/growth?months=3", "/growth/people.csv?months=3",
                                 "/growth/summary.json?months=3"])
def test_evaluator_pages_never_show_a_name_or_an_id(login, url):
    response = login("eve").get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for name in ALL_NAMES:
        assert name not in text and esc(name) not in text
    for person in ("p1", "p2", "p3"):
        assert not re.search(rf"\b{person}\b", text), person


# -- admins --------------------------------------------------------------------------------
def test_admin_cannot_add_an_account_with_a_hostile_name_and_sees_it_as_text(login, app_db):
    client = login("ada")
    token = csrf_from(client.get("/admin/users").text)
    name = "<img src=x onerror=alert(1)>"
    response = client.post("/admin/users", data={
        "csrf_token": token, "name": name, "role": "evaluator",
        "password": "a long enough password"})
    assert response.status_code == 400  # issue 11.13: a safe character set
    assert "letters, digits" in response.text and name not in response.text
    assert app_db.user(name) is None
    audit = client.get("/admin/audit").text
    assert name not in audit


def test_admin_gets_a_clear_message_for_a_bad_account(login):
    client = login("ada")
    token = csrf_from(client.get("/admin/users").text)
    response = client.post("/admin/users", data={"csrf_token": token, "name": "newc",
                                                 "role": "coordinator", "password": "short"})
    assert response.status_code == 400
    assert "at least 12 characters" in response.text and "needs --coordinator" in response.text


def test_admin_page_shows_no_personal_data(login):
    client = login("ada")
    for url in ("/admin/users", "/admin/loads"):
        text = client.get(url).text
        for name in ALL_NAMES:
            assert esc(name) not in text


def test_evaluator_rows_of_a_small_cohort_are_withheld(login, app_db):
    client = login("eve")
    response = client.get("/growth/people.csv?months=3")
    frame = pd.read_csv(io.StringIO(response.text), dtype=str, keep_default_na=False)
    # by hand: p1, p2, p3 were introduced 2024-01-01/02-01/01-01; +3 months <= 2024-05-01:
    # three people, so no rows at all (issue 11.4; keyed pseudonyms: test_suppression.py)
    assert list(frame.columns) == ["note"]
    key = Pseudonymiser(b"test key")
    assert not any(key(p) in response.text for p in ("p1", "p2", "p3"))
    summary = client.get("/growth/summary.json?months=3").json
    assert summary["summary"]["n"] == "*"  # 3 people: suppressed ...
    assert summary["summary"]["mean_change"] == "*"  # ... and their mean withheld (one symbol)
    assert app_db.audit_log(action="download.growth-people")[-1][2] == "eve"


def test_isolated_cluster_members_named_for_the_own_team(login):
    page = login("max").get("/neighbourhoods/North?at=2024-05-01").text
    # i1 and i2: two people with only a neighbour tie to each other
    assert esc(HOSTILE[5]) in page and esc(HOSTILE[6]) in page
    other = login("mia").get("/neighbourhoods/North")
    assert other.status_code == 404


def _upload(client, folder, token):
    with open(folder / "nodes.csv", "rb") as nodes, open(folder / "ties.csv", "rb") as ties:
        return client.post("/admin/loads", data={
            "csrf_token": token, "nodes": (nodes, "nodes.csv"), "ties": (ties, "ties.csv")},
            content_type="multipart/form-data")


def test_admin_loads_data_and_the_coordinator_sees_it_at_once(login, tmp_path, app_db):
    from lacgraph.loaders import write_folder
    from tests.web.fixtures import hostile_tables

    tables = hostile_tables()
    nodes = pd.concat([tables.nodes, Tables.from_records(
        [{"id": "p9", "type": "person", "label": "Nia New", "neighbourhood": "North",
          "supported": True, "introduced_on": "2024-04-01", "coordinator": "c1"}], []).nodes])
    ties = pd.concat([tables.ties, Tables.from_records([], [
        {"source": "p9", "target": "p1", "kind": "peer", "start": "2024-04-10"}]).ties])
    write_folder(Tables(nodes.reset_index(drop=True), ties.reset_index(drop=True)),
                 tmp_path / "new")
    admin = login("ada")
    token = csrf_from(admin.get("/admin/loads").text)
    response = _upload(admin, tmp_path / "new", token)
    assert response.status_code == 200, response.text
    assert "nodes 1 added" in response.text and "ties 1 added" in response.text
    coordinator = login("cora")
    assert "Nia New" in coordinator.get("/caseload").text
    circle = coordinator.get("/api/people/p1/circle").json
    assert "p9" in {a["id"] for a in circle["alters"]}
    assert app_db.audit_log(action="data.load")[-1][2] == "ada"


def test_a_bad_load_is_rejected_whole_with_a_report(login, tmp_path):
    from lacgraph.loaders import write_folder
    from tests.web.fixtures import hostile_tables

    write_folder(hostile_tables(), tmp_path / "bad")
    with open(tmp_path / "bad" / "ties.csv", "a", encoding="utf-8") as handle:
        handle.write("p1,ghost,friend,2024-01-01,,,,\n")
    admin = login("ada")
    before = admin.get("/admin/loads").text
    token = csrf_from(before)
    response = _upload(admin, tmp_path / "bad", token)
    assert response.status_code == 400
    assert "ties.csv" in response.text and "ghost" in response.text
    assert "Nothing was loaded" in response.text
    assert "Nia New" not in login("cora").get("/caseload").text


def test_only_admins_load_data(login):
    client = login("cora")
    token = csrf_from(client.get("/caseload").text)
    assert client.post("/admin/loads", data={"csrf_token": token}).status_code == 403
