"""Issue 11 (4-6): small-number suppression holds in every output leaving the team:
evaluators' plots, downloads and summary, and managers' figures for other neighbourhoods."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from lacgraph.network import Network
from lacgraph.privacy import Pseudonymiser
from lacgraph.synthetic import programme
from lacgraph.web import create_app
from tests.web.conftest import log_in


# -- 4: a cohort of 1-7 gets no plots or rows --------------------------------------------------
def test_plots_and_rows_of_a_cohort_of_three_are_withheld(login):
    client = login("eve")  # the hostile programme: three supported people
    for name in ("change", "retention"):
        svg = client.get(f"/growth/{name}.svg?months=3")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert "Withheld" in svg.text and "n = 3" not in svg.text
    rows = client.get("/growth/people.csv?months=3")
    frame = pd.read_csv(io.StringIO(rows.text), dtype=str)
    assert list(frame.columns) == ["note"] and frame["note"][0].startswith("Withheld")
    key = Pseudonymiser(b"test key")
    assert not any(key(p) in rows.text for p in ("p1", "p2", "p3"))


@pytest.fixture(scope="module")
def bigger(tmp_path_factory):
    """A synthetic programme with a cohort of 47 at 3 months (not a multiple of 5)."""
    from lacgraph.web import AppDB
    from tests.web.fixtures import PASSWORD

    G = Network.from_tables(programme(400, seed=5))
    db = AppDB(tmp_path_factory.mktemp("supp") / "app.sqlite")
    db.add_user("eve", "evaluator", PASSWORD)
    app = create_app(G, db, pseudonymiser=Pseudonymiser(b"k"))
    client = app.test_client()
    assert log_in(client, "eve").status_code == 302
    return client


def test_plots_of_a_larger_cohort_print_rounded_counts_only(bigger):
    svg = bigger.get("/growth/change.svg?months=3").text
    assert "n = 45" in svg and "n = 47" not in svg
    assert not re.search(r"mean \d+\.\d\d", svg)  # one decimal place only
    rows = pd.read_csv(io.StringIO(bigger.get("/growth/people.csv?months=3").text))
    assert len(rows) == 47 and "label" not in rows.columns  # rows of a cohort over 7 ...
    cohort = set(rows["id"])  # ... under keyed pseudonyms, never the ids
    key = Pseudonymiser(b"k")
    people = programme(400, seed=5).nodes["id"]
    assert cohort <= {key(p) for p in people} and not cohort & set(people)


# -- 5 (revised by issue 28): shares from exact values, through the one disclosure rule -------
def test_summary_is_the_disclosure_rule_of_the_exact_summary(bigger):
    from lacgraph.analysis.growth import growth
    from lacgraph.disclosure import disclose_summary

    body = json.loads(bigger.get("/growth/summary.json?months=3").data)["summary"]
    G = Network.from_tables(programme(400, seed=5))
    exact = growth(G, months=3, as_of="2024-12-31").summary()
    want = disclose_summary(exact)
    key = Pseudonymiser(b"k")
    for row in want["by"]["coordinator"]:
        row["coordinator"] = key(row["coordinator"]) if row["coordinator"] else ""
    assert body == json.loads(json.dumps(want, default=str))
    assert body["n"] == 45 and body["share_grew"] == "50\u201360%"  # 27/47 exact: 57.4%
    rows = [body] + [r for group in body["by"].values() for r in group]
    for row in rows:
        if row["n"] in ("*", 0, 5, 10, 15, 20):  # exact n may be under 20: nothing but n
            for k in ("mean_change", "share_grew", "effect_r", "wilcoxon_p", "median_change",
                      "mean_change_low", "mean_change_high", "share_shifted", "retention"):
                assert row.get(k) in ("*", None), (k, row)
        assert row["wilcoxon_p"] in (None, "*", "< 0.001", "< 0.01", "< 0.05", "\u2265 0.05")
        for k in ("mean_change", "median_change", "effect_r", "mean_change_low"):
            if isinstance(row[k], float):
                assert round(row[k], 1) == row[k], (k, row)
    # nobody named: coordinators only as pseudonyms
    ids = set(G.tables.nodes["id"])
    assert not {r["coordinator"] for r in body["by"]["coordinator"]} & ids


# -- 6: other neighbourhoods only at month ends -----------------------------------------------
def _south(page: str) -> str:
    row = re.search(r"<tr class=\"\"><td>South</td>(.*?)</tr>", page, re.S)
    assert row, "no South row"
    return row.group(1)


def test_other_neighbourhoods_only_at_month_ends(login):
    client = login("max")  # team: North (and the hostile ward); South is another team's
    days = [client.get(f"/neighbourhoods?at=2024-03-{d:02d}").text for d in (1, 15, 29)]
    assert len({_south(page) for page in days}) == 1  # every day of March shows 29 February
    assert "they are shown on 29 February 2024, the last month end" in days[1]
    end = client.get("/neighbourhoods?at=2024-03-31").text
    assert "shown at" not in end  # a month end itself is not snapped
    csv = client.get("/neighbourhoods.csv?at=2024-03-15")
    assert "neighbourhoods-2024-02-29.csv" in csv.headers["Content-Disposition"]


def test_stepping_the_date_shows_no_more_than_month_ends(login, monkeypatch):
    import lacgraph.web.manager as views

    asked = []
    real = views.ward_counts
    monkeypatch.setattr(views, "ward_counts", lambda at: asked.append(str(at)[:10]) or real(at))
    client = login("max")
    for d in range(1, 8):
        client.get(f"/neighbourhoods.csv?at=2024-04-{d:02d}")
    assert set(asked) == {"2024-03-31"}
