"""The facade: sources, dates, circle tables."""

from __future__ import annotations

import numpy as np
import pytest

import lacgraph
from lacgraph.errors import NotFound, QueryError
from lacgraph.loaders import write_folder
from lacgraph.output import write_xlsx
from lacgraph.synthetic import programme
from tests.conftest import random_network
from tests.reference import reference_measures


def test_workbook_folder_and_store_give_the_same_answers(tmp_path):
    T = programme(300, seed=9)
    folder = write_folder(T, tmp_path / "data")
    nodes, ties = T.to_text()
    book = tmp_path / "p.xlsx"
    write_xlsx(nodes, book, sheet="nodes")
    import openpyxl

    wb = openpyxl.load_workbook(book)
    sheet = wb.create_sheet("ties")
    sheet.append(list(ties.columns))
    for row in ties.itertuples(index=False):
        sheet.append(list(row))
    wb.save(book)
    a = lacgraph.open(folder).metrics(at="2024-01-01")
    b = lacgraph.open(book).metrics(at="2024-01-01")
    from lacgraph.stores import MemoryStore

    with MemoryStore(tmp_path / "s.sqlite") as store:
        store.write(T)
    c = lacgraph.open(tmp_path / "s.sqlite").metrics(at="2024-01-01")
    assert a.equals(b) and a.equals(c)


def test_metrics_match_reference_on_the_demo_programme():
    T = programme(1500, seed=11)
    G = lacgraph.Network.from_tables(T)
    for at in ("2022-03-01", "2024-12-31"):
        fast, slow = G.metrics(at=at), reference_measures(T, at)
        assert list(fast["id"]) == list(slow["id"])
        for col in fast.columns[1:]:
            np.testing.assert_allclose(fast[col].to_numpy(float), slow[col].to_numpy(float),
                                       atol=1e-9, err_msg=col)


def test_circle_rows_agree_with_measures():
    T = random_network(21, n_ties=120)
    G = lacgraph.Network.from_tables(T)
    M = G.metrics(at="2024-06-01").set_index("id")
    for person in M.index[:10]:
        circle = G.circle(person, at="2024-06-01")
        assert len(circle) == M.loc[person, "size"]
        assert (circle["category"] == "natural").sum() == M.loc[person, "natural"]
        assert (circle["circle"] == 1).sum() == M.loc[person, "circle1"]


def test_default_date_is_the_last_date_and_bad_input_is_clear():
    T = random_network(2)
    G = lacgraph.Network.from_tables(T)
    last = max(T.ties["start"].max(), T.ties["end"].max())
    assert G.last_date == np.datetime64(last, "D")
    assert G.metrics().equals(G.metrics(at=G.last_date))
    with pytest.raises(QueryError, match="expected YYYY-MM-DD"):
        G.metrics(at="31/01/2024")
    with pytest.raises(NotFound):
        G.circle("nobody", at="2024-01-01")
    with pytest.raises(NotFound, match="no such data folder"):
        lacgraph.open("does/not/exist")


def test_network_verbs_are_the_module_functions():
    from lacgraph.analysis import clusters, growth

    G = lacgraph.Network.from_tables(programme(600, seed=4))
    at = "2024-06-01"
    assert G.isolated_clusters(at).equals(clusters.isolated_clusters(G, at))
    assert G.isolated_people(at).equals(clusters.isolated_people(G, at))
    assert G.neighbourhoods(at, "2023-06-01").equals(clusters.neighbourhoods(G, at, "2023-06-01"))
    assert G.community_assets(at).equals(clusters.community_assets(G, at))
    assert G.community_gaps(at).equals(clusters.community_gaps(G, at))
    assert G.communities(at, seed=3).equals(clusters.communities(G, at, seed=3))
    assert G.growth(months=6).people.equals(growth.growth(G, months=6).people)
    assert G.waves().equals(growth.waves(G))


def test_coordinator_verbs_are_the_module_functions():
    from lacgraph.analysis import circle
    from lacgraph.viz.html import circle_html

    G = lacgraph.Network.from_tables(programme(400, seed=6))
    person = G.metrics(at="2024-06-01").sort_values("size").iloc[-1]["id"]
    since, at = "2023-06-01", "2024-06-01"
    assert G.changes(person, since, at).equals(circle.changes(G, person, since, at))
    assert G.compare(person, since, at).equals(circle.compare(G, person, since, at))
    assert G.timeline(person).equals(circle.timeline(G, person))
    assert G.circle_html(person, at) == circle_html(G, person, at)
    assert G.draw_circle(person, at).axes
