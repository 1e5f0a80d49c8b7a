"""The manager's "where to act" page, its suppressed downloads, and the council report download.

The hostile programme (tests/web/fixtures.py), worked out by hand at the month ends of
January to May 2024: North has no isolated person (everyone there is in g1 or tied to
i1/i2), one isolated cluster (i1-i2) and an active group; the hostile ward has p2 alone
(isolated, no group: a gap); South has p3 and q3, isolated on 31 January (their friendship
starts 1 February), then an isolated cluster of two with no group (a gap).
"""

from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import quote

import pandas as pd
import pytest
from markupsafe import escape

from tests.web.fixtures import HOSTILE, HOSTILE_WARD

PAGE = "/where-to-act?since=2024-01&at=2024-05-31"


def esc(text: str) -> str:
    """Text as Jinja writes it into a page."""
    return str(escape(text))


def rows(page: str) -> dict[str, dict[str, str]]:
    """``data-ward`` row -> {count: value on the last month end, change_<count>: change}."""
    out = {}
    for ward, body in re.findall(r'<tr class="[^"]*" data-ward="([^"]*)">(.*?)</tr>', page,
                                 flags=re.S):
        cells = dict(re.findall(r'<td data-count="(\w+)">([^<]*)</td>', body))
        cells.update({f"change_{k}": v for k, v in
                      re.findall(r'<td data-change="(\w+)">([^<]*)</td>', body)})
        cells["gap"] = "no active group" in body
        cells["own"] = "your team" in body
        out[unescape(ward)] = cells
    return out


def test_own_neighbourhoods_exact_others_suppressed(login):
    page = login("max").get(PAGE)
    assert page.status_code == 200
    table = rows(page.text)
    north, hostile, south = table["North"], table[HOSTILE_WARD], table["South"]
    assert north["own"] and hostile["own"] and not south["own"]
    assert (north["isolated"], north["isolated_clusters"], north["gap"]) == ("0", "1", False)
    assert (hostile["isolated"], hostile["change_isolated"], hostile["gap"]) == ("1", "0", True)
    # South is not max's: 2 isolated in January shown as *, so the change is * too
    assert (south["isolated"], south["change_isolated"]) == ("0", "*")
    assert south["isolated_clusters"] == "*" and south["gap"]
    # the same page for South's manager: exact, and the change since January is -2
    south_own = rows(login("mia").get(PAGE).text)["South"]
    assert (south_own["isolated"], south_own["change_isolated"]) == ("0", "\u22122")
    assert south_own["isolated_clusters"] == "1"


def test_month_by_month_sparklines(login):
    page = login("max").get(PAGE).text
    sparks = re.findall(r'<svg role="img" aria-label="([^"]*)" class="spark"', page)
    assert len(sparks) == 3 * 3  # three neighbourhoods, three counts
    # issue 25 item 7: the text alternative carries every value; one shared scale; the
    # first and last values are written beside each line
    assert ("North, Isolated clusters at each month end from 31 January 2024 to 31 May 2024:"
            " 1, 1, 1, 1, 1 (* a small number, withheld)") in sparks
    assert "South, Isolated people at each month end" in " ".join(sparks)
    assert "<script>window.__pwned" not in page
    heights = {re.search(r'viewBox="([^"]*)"', svg).group(1)
               for svg in re.findall(r'<svg role="img"[^>]*class="spark"[^>]*>', page)}
    assert len(heights) == 1
    cell = re.search(r'<tr class="own[^"]*" data-ward="North">.*?<td class="spark-cell">'
                     r'<span class="spark-end">(\w+)</span><svg.*?</svg><span class="spark-end">'
                     r'(\w+)</span>', page, flags=re.S)
    assert cell is not None and cell.groups() == ("0", "0")  # North's isolated: 0 to 0


def test_team_isolated_people_with_coordinator_and_cluster_pictures(login, app_db):
    page = login("max").get(PAGE).text
    people = page[page.index('id="people"'):page.index('id="report"')]
    # p2 is isolated in the hostile ward, walked alongside by c1 (whose name is hostile too)
    assert esc(HOSTILE[4]) in people and esc(HOSTILE[0]) in people
    assert "Olive Other" not in page and "Quentin Quiet" not in page  # South is not max's
    pictures = page[page.index('id="clusters"'):page.index('id="people"')]
    assert pictures.count('class="cluster"') >= 1
    assert f"<title>{esc(HOSTILE[5])}</title>" in pictures  # i1, named in the tooltip
    assert "<script" not in pictures and "<iframe" not in pictures
    assert app_db.audit_log(action="view.where-to-act")[-1][2] == "max"


def test_names_switched_off(programme_folder, app_db):
    import lacgraph
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.web import create_app
    from tests.web.conftest import log_in

    app = create_app(lacgraph.open(programme_folder), app_db, manager_names="none",
                     pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    log_in(client, "max")
    page = client.get(PAGE).text
    assert "Names are not shown" in page
    for name in (HOSTILE[4], HOSTILE[5], HOSTILE[6]):
        assert esc(name) not in page


def test_groups_that_connect_at_risk_people(login):
    page = login("mia").get(PAGE).text
    groups = page[page.index('id="groups"'):page.index('id="clusters"')]
    # g1 (North, not mia's): 25 members, 24 would be at risk without it -> 25, 25 and a *
    assert re.search(r"<td>North</td><td>25</td><td>25</td><td>\*</td>", groups)
    exact = login("max").get(PAGE).text
    assert re.search(r"<td>North</td><td>25</td><td>24</td><td>5</td>", exact)


@pytest.mark.parametrize("download", ["neighbourhoods.csv", "groups.csv", "gaps.csv"])
def test_downloads_are_suppressed_even_for_the_own_team(login, download):
    response = login("max").get(f"/where-to-act/{download}?since=2024-01&at=2024-05-31")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    frame = pd.read_csv(io.StringIO(response.text), dtype=str, keep_default_na=False)
    counts = [c for c in frame.columns if c in ("isolated", "at_risk", "isolated_clusters",
                                                 "members", "otherwise_at_risk",
                                                 "only_connection", "people", "groups",
                                                 "in_isolated_clusters")]
    assert counts and len(frame)
    for column in counts:
        for value in frame[column]:
            assert value == "*" or int(value) == 0 or int(value) % 5 == 0, (column, value)
    if download == "neighbourhoods.csv":
        table = frame.set_index(["month_end", "neighbourhood"])
        assert table.loc[("2024-01-31", HOSTILE_WARD), "isolated"] == "*"  # max's own: 1
        assert table.loc[("2024-05-31", "North"), "isolated_clusters"] == "*"  # 1
        assert len(frame) == 5 * 3
    if download == "gaps.csv":
        assert sorted(frame["neighbourhood"]) == sorted([HOSTILE_WARD, "South"])


def test_mistakes_show_on_the_form_keeping_what_was_typed(login):
    client = login("max")
    for url, message in (
            ("/where-to-act?since=banana", "Start date must be a real date"),
            ("/where-to-act?since=2025-01&at=2024-05-31", "The start date must be before"),
            ("/where-to-act?at-day=31&at-month=&at-year=2024", "End date must include a month"),
            ("/where-to-act?at-day=30&at-month=2&at-year=2024", "End date must be a real date")):
        response = client.get(url)
        assert response.status_code == 400 and message in response.text, url
        assert "Traceback" not in response.text
        assert "<title>Error: Where to act" in response.text
        assert 'class="error-summary"' in response.text and 'class="error-message"' in response.text
    typed = client.get("/where-to-act?at-day=30&at-month=2&at-year=2024").text
    assert 'name="at-day" type="text" inputmode="numeric" value="30"' in typed
    assert 'type="date"' not in typed and 'type="month"' not in typed


def test_the_date_boxes_choose_the_months(login):
    page = login("max").get("/where-to-act?since-day=1&since-month=3&since-year=2024"
                            "&at-day=31&at-month=5&at-year=2024")
    assert page.status_code == 200
    assert "from 31 March 2024 to 31 May 2024" in page.text


@pytest.mark.parametrize("account,status", [("max", 200), ("eve", 200), ("cora", 403),
                                            ("ada", 403)])
def test_report_download_by_role(login, app_db, account, status):
    response = login(account).get("/report.html?months=3")
    assert response.status_code == status
    if status != 200:
        return
    assert response.headers["Content-Disposition"].startswith("attachment")
    html = response.text
    # three supported people: the cohort is a small number, suppressed, with no statistics
    assert 'data-key="cohort.n">*</data>' in html
    assert "Team copy" not in html and "<script" not in html
    # nobody is named (group and coordinator names are shown, escaped; c1 and g1 carry
    # HOSTILE[0] and HOSTILE[1], so only the other names are people's alone)
    for name in HOSTILE[2:] + ["Olive Other", "Quentin Quiet"]:
        assert esc(name) not in html, name
    assert app_db.audit_log(action="download.report")[-1][2] == account


def test_where_to_act_is_for_managers_only(login, app):
    assert login("eve").get(PAGE).status_code == 403
    assert login("cora").get("/where-to-act/groups.csv").status_code == 403
    anonymous = app.test_client().get(PAGE)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert app.test_client().get("/report.html").status_code == 302


def test_links_from_the_manager_and_evaluator_pages(login):
    assert "/where-to-act" in login("max").get("/neighbourhoods").text
    growth = login("eve").get("/growth?months=3").text
    assert "/report.html?months=3" in growth
    assert quote("<") not in growth  # nothing odd leaks into the link


def test_the_page_opens_with_where_to_act_first(login, app):
    """Issue 25 item 9: in the manager's navigation; the ranked list comes first, each
    neighbourhood with its reasons in words, who to reach first and nearby groups."""
    from lacgraph.analysis import clusters
    from lacgraph.web.context import programme

    client = login("max")
    assert 'href="/where-to-act">Where to act</a>' in client.get("/neighbourhoods").text
    page = client.get(PAGE).text
    assert page.index('id="first"') < page.index('id="neighbourhoods"')
    ranked = re.findall(r'<li class="ward" data-ward="([^"]*)">(.*?)</li>\s*(?=<li class="ward"|</ol>)',
                        page, flags=re.S)
    assert [unescape(w) for w, _ in ranked] == [HOSTILE_WARD]  # North has no isolated person
    body = ranked[0][1]
    assert "No community group is active here." in body
    assert "1 person is isolated here on 31 May 2024." in body
    with app.app_context():
        people = clusters.isolated_people(programme().G, "2024-05-31")
    mine = people[people["isolated"] & (people["neighbourhood"] == HOSTILE_WARD)]
    unsupported = int((~mine["supported"].astype(bool)).sum())
    expected = ("Every isolated person here already has a coordinator." if unsupported == 0
                else f"Reach first: {unsupported} isolated")
    assert expected in unescape(body)
    assert "a new group may be needed here" in body  # no group nearby keeps its joiners
    # South's manager: South has no isolated person left but no active group either
    south = login("mia").get(PAGE).text
    assert re.search(r'<li class="ward" data-ward="South">.*?No community group is active here',
                     south, flags=re.S)


def test_groups_nearby_follow_the_suggestion_rules():
    from lacgraph.web.act import _groups_for

    groups = pd.DataFrame({
        "group": ["g-here", "g-near", "g-far", "g-leaky", "g-new"],
        "label": ["Here Choir", "Near Walks", "Far Club", "Leaky Lunch", "New Knit"],
        "neighbourhood": ["Bay", "Hill", "Dale", "Bay", "Bay"],
        "members": [5, 9, 20, 30, 3],
        "retention": [0.6, 0.9, 1.0, 0.2, float("nan")],
        "retention_n": [5, 10, 4, 10, 0], "stayed": [3, 9, 4, 2, 0]})
    goers = pd.DataFrame({"ward": ["Bay", "Bay", "Dale"], "group": ["g-near", "g-leaky", "g-far"],
                          "people": [2, 4, 1]})
    found = _groups_for("Bay", groups, goers)
    # in Bay first, then Hill (Bay's people go to a group there); Dale is not near Bay;
    # a group whose joiners left, or too new to tell, is not suggested
    assert [g["label"] for g in found] == ["Here Choir", "Near Walks"]
    assert found[0]["where"] == "It meets here."
    assert found[1]["where"] == "It meets in Hill; 2 people from Bay already go."
    assert found[1]["kept"] == ("9 of the 10 people who joined in the last two years stayed at "
                                "least six months.")
