"""Duplicate candidates: households of one surname are two families, never one person."""

from __future__ import annotations

from lacgraph.analysis.duplicates import find_duplicates
from lacgraph.tables import Tables


def test_households_of_one_surname_are_not_candidates_but_people_are():
    T = Tables.from_records(
        [{"id": "f1", "type": "family", "label": "Ahmed household", "neighbourhood": "North"},
         {"id": "f2", "type": "family", "label": "Ahmed household", "neighbourhood": "North"},
         {"id": "p1", "type": "person", "label": "Siân Llŷr", "neighbourhood": "North"},
         {"id": "p2", "type": "person", "label": "sian llyr", "neighbourhood": "North"}], [])
    found = find_duplicates(T)
    assert sorted(zip(found["keep"], found["drop"], strict=True)) in (
        [("p1", "p2")], [("p2", "p1")])
