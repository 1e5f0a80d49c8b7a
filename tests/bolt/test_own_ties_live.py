"""Issue 23 (8): a coordinator's record forms reach only the person's own ties, on every
store, over real HTTP against ``lacgraph serve``.

Cora (``c1``) walks alongside ``p1``; ``p3 - q3`` is Cole's person's friendship. Cora posts
"end" and "withdraw" naming that tie from ``p1``'s page: both answer 404 and the tie is
stored as before, on a store file and on the session's real Neo4j server.
"""

from __future__ import annotations

import json

import numpy as np

from lacgraph.stores import MemoryStore
from lacgraph.stores.neo4j import Neo4jStore
from lacgraph.web import AppDB
from tests.web.fixtures import (
    PASSWORD,
    QUICK_HASHER,
    add_accounts,
    choice_on,
    date_boxes,
    hostile_tables,
)
from tests.web.live import Client, lacgraph_serve

OTHERS_TIE = json.dumps(["p3", "friend", "2024-02-01"])  # p3 - q3 as p1's forms would name it
OTHERS_TIE_BY_TARGET = json.dumps(["q3", "friend", "2024-02-01"])


def _accounts(folder):
    path = folder / "app.sqlite"
    db = AppDB(path, hasher=QUICK_HASHER)
    add_accounts(db)
    db.close()
    return path


def _others_tie(ties):
    return _pair(ties, "p3", "q3")


def _pair(ties, a: str, b: str):
    """The ties between ``a`` and ``b`` (either way round: a store may read them swapped)."""
    return ties[((ties["source"] == a) & (ties["target"] == b))
                | ((ties["source"] == b) & (ties["target"] == a))]


def _attack(base: str) -> list[int]:
    cora = Client(base)
    cora.log_in("cora", PASSWORD)
    answers = []
    for tie in (OTHERS_TIE, OTHERS_TIE_BY_TARGET):
        answers.append(cora.post("/people/p1/connections/end",
                                 {"tie": tie, **date_boxes("end", "01/03/2024")},
                                 form="/people/p1")[0])
        answers.append(cora.post("/people/p1/connections/correct", {
            "tie": tie, "action": "withdraw"}, form="/people/p1")[0])
    # her own tie is still hers to end (the choice as her page offers it, with its version)
    own = choice_on(cora.request("/people/p1")[1], "s1", "service", "2023-06-01")
    answers.append(cora.post("/people/p1/connections/end",
                             {"tie": own, **date_boxes("end", "01/03/2024")},
                             form="/people/p1")[0])
    return answers


def test_a_coordinator_cannot_end_or_withdraw_anothers_tie_on_a_store_file(
        tmp_path):
    store = tmp_path / "programme.sqlite"
    with MemoryStore(store) as s:
        s.write(hostile_tables())
    app_db = _accounts(tmp_path)
    with lacgraph_serve(store, app_db) as base:
        assert _attack(base) == [404, 404, 404, 404, 302]
    with MemoryStore(store) as s:
        tie = _others_tie(s.read().ties)
    assert len(tie) == 1 and tie["end"].isna().all()


def test_a_coordinator_cannot_end_or_withdraw_anothers_tie_on_neo4j(
        neo4j_server, tmp_path):
    with neo4j_server.open() as s:
        s.replace(hostile_tables())
    app_db = _accounts(tmp_path)
    with lacgraph_serve(neo4j_server.uri, app_db,
                        env={"NEO4J_PASSWORD": neo4j_server.password}) as base:
        assert _attack(base) == [404, 404, 404, 404, 302]
    with Neo4jStore(neo4j_server.uri, **neo4j_server.options) as s:  # open() would empty it
        ties = s.read().ties
    tie = _others_tie(ties)
    assert len(tie) == 1 and tie["end"].isna().all()
    ended = _pair(ties, "p1", "s1")
    assert ended["end"].tolist() == [np.datetime64("2024-03-01")]
