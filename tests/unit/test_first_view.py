"""The first-view index gives exactly what the frame-based verbs give, for every person.

:mod:`lacgraph.analysis.first_view` answers a person page's first view by slicing arrays
indexed once per data version; these tests compare every answer with the verbs it stands
in for (the circle, what changed, the comparison, the timeline, the picture's lines, the
household section and the record forms' connections), for every node of random networks
(every node type, ties starting and ending on the date) and every person of a synthetic
programme with households, at several dates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lacgraph.analysis import circle
from lacgraph.analysis.families import page_household
from lacgraph.analysis.first_view import FirstViewIndex
from lacgraph.analysis.person_view import PersonView
from lacgraph.errors import NotFound, QueryError
from lacgraph.model import HOUSEHOLD
from lacgraph.stores import MemoryStore
from lacgraph.synthetic import programme
from lacgraph.tables import Tables, node_text, nodes_to_text, ties_to_text
from tests.conftest import random_network

DATES = ["2024-06-01", "2024-05-31", "2023-06-01", "2026-01-01"]


def _store(tables: Tables) -> MemoryStore:
    store = MemoryStore()
    store.write(tables)
    return store


def _ego_pairs(store: MemoryStore, person: str, at: str) -> list[tuple[str, str]]:
    """The picture's lines as :func:`lacgraph.viz.layout.circle_data` reads them."""
    ego = store.ego(person, at).ties
    ego = ego[(ego["kind"] != HOUSEHOLD) & (ego["source"] != person) & (ego["target"] != person)]
    return list(zip(ego["source"], ego["target"], strict=True))


def _old_choices(own: PersonView, person: str) -> list[tuple[str, dict]]:
    ties = ties_to_text(own.tables.ties)
    ties = ties[(ties["kind"] != HOUSEHOLD) & ((ties["source"] == person)
                                              | (ties["target"] == person))]
    alters = np.where(ties["source"] == person, ties["target"], ties["source"])
    return [(str(a), row) for a, row in zip(alters, ties.to_dict("records"), strict=True)]


def _same_everywhere(tables: Tables, people: list[str], dates: list[str],
                     windows: list[tuple[str, str]]) -> int:
    store = _store(tables)
    held = store.read()
    index = FirstViewIndex(held.nodes, held.ties)
    compared = 0
    for person in people:
        old, new = PersonView(store, person), index.person(person)
        timeline = circle.timeline(old, person)
        pd.testing.assert_frame_equal(new.timeline(), timeline)
        assert new.timeline_records() == timeline.astype(object).to_dict("records")
        assert new.choices() == _old_choices(old, person)
        for at in dates:
            pd.testing.assert_frame_equal(new.circle_table(at), circle.circle_table(store, person, at))
            assert new.pairs(at) == _ego_pairs(store, person, at)
            if index.types[new.code] == "person":
                assert new.household(at) == page_household(store, person, at), (person, at)
            compared += 1
        for since, at in windows:
            changes = circle.changes(old, person, since, at)
            pd.testing.assert_frame_equal(new.changes(since, at), changes)
            assert new.change_records(since, at) == changes.to_dict("records")
            pd.testing.assert_frame_equal(new.compare(since, at),
                                          circle.compare(old, person, since, at))
    return compared


@pytest.mark.parametrize("seed", range(4))
def test_every_node_of_random_networks_at_boundary_dates(seed):
    tables = random_network(seed, at="2024-06-01")
    windows = [("2023-06-01", "2024-05-31"), ("2024-05-31", "2024-06-01"),
               ("2023-06-01", "2026-01-01")]
    assert _same_everywhere(tables, list(tables.nodes["id"]), DATES, windows) > 0


def test_every_person_of_a_synthetic_programme_with_households():
    tables = programme(150, seed=3)
    nodes = tables.nodes
    people = list(nodes.loc[nodes["type"] == "person", "id"])
    store = _store(tables)
    last = str(np.datetime64(tables.ties["end"].max(), "D"))
    dates = ["2022-06-30", last]
    # the comparison must cover households: people living with others, at these dates
    held = store.read()
    index = FirstViewIndex(held.nodes, held.ties)
    living_together = sum(index.person(p).household(d) is not None for p in people
                          for d in dates)
    assert living_together > 40
    compared = _same_everywhere(tables, people, dates, [(dates[0], last)])
    assert compared == len(people) * len(dates)


def test_a_node_row_as_text_is_the_frame_written_as_text():
    for tables in (random_network(2), programme(150, seed=3)):
        nodes = tables.nodes
        for position in range(len(nodes)):
            assert (node_text(nodes.iloc[position])
                    == nodes_to_text(nodes.iloc[[position]]).iloc[0].to_dict())


def test_unknown_node_and_a_household_of_a_group():
    tables = random_network(1)
    held = _store(tables).read()
    index = FirstViewIndex(held.nodes, held.ties)
    with pytest.raises(NotFound):
        index.person("nobody")
    with pytest.raises(QueryError, match="not a person"):
        index.person("g25").household("2024-01-01")
