"""A running app switches to new data as a whole after a load, replace or erase made by
another process, and never mixes old and new (issue 12, item 9)."""

from __future__ import annotations

import lacgraph
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights.erasure import erase
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web import create_app
from lacgraph.web.context import programme

PEOPLE = [{"id": p, "type": "person", "label": p.title(), "neighbourhood": "Castle"}
          for p in ("sam", "ann", "bob")]
TIES = [{"source": "sam", "target": "ann", "kind": "friend", "start": "2024-01-01"},
        {"source": "ann", "target": "bob", "kind": "friend", "start": "2024-01-01"}]


def test_the_app_switches_to_new_data_as_a_whole(tmp_path):
    path = tmp_path / "programme.sqlite"
    with MemoryStore(path) as store:
        store.write(Tables.from_records(PEOPLE, TIES))
    app = create_app(lacgraph.open(path), ":memory:")
    with app.test_request_context():
        old = programme()
        assert programme() is old  # one programme per request
    with app.test_request_context():
        assert programme() is old  # nothing changed: no rebuild
    with MemoryStore(path) as other:  # another process: a load, then an erasure
        other.write(Tables.from_records(
            [*PEOPLE, {"id": "cat", "type": "person", "label": "Cat"}],
            [*TIES, {"source": "bob", "target": "cat", "kind": "friend",
                     "start": "2024-02-01"}]))
        erase(other, "sam", Pseudonymiser(b"k"))
    # the old programme keeps answering from its own copy: never half new
    assert "sam" in old.nodes.index and "cat" not in old.nodes.index
    assert set(old.G.metrics()["id"]) == {"sam", "ann", "bob"}
    with app.test_request_context():
        new = programme()
    assert new is not old
    assert "sam" not in new.nodes.index and "cat" in new.nodes.index
    assert set(new.G.metrics()["id"]) == {"ann", "bob", "cat"}
    assert str(new.last_date)[:10] == "2024-02-01"


def test_a_served_erasure_is_gone_from_the_pages_at_once(tmp_path):
    path = tmp_path / "programme.sqlite"
    with MemoryStore(path) as store:
        store.write(Tables.from_records(PEOPLE, TIES))
    app = create_app(lacgraph.open(path), ":memory:")
    with app.test_request_context():
        assert programme().label("sam") == "Sam"
    with MemoryStore(path) as other:
        erase(other, "sam", Pseudonymiser(b"k"))
    with app.test_request_context():
        assert programme().label("sam") == "sam"  # no name left
        assert "sam" not in set(programme().G.tables.ties["source"])


SETTLED_SWITCH = """
import gc, sys, weakref
import lacgraph
from lacgraph.stores import MemoryStore
from lacgraph.tables import Tables
from lacgraph.web import create_app
from lacgraph.web.context import programme, settle_memory
from tests.web.test_live_data import PEOPLE, TIES
path = sys.argv[1]
with MemoryStore(path) as store:
    store.write(Tables.from_records(PEOPLE, TIES))
app = create_app(lacgraph.open(path), ":memory:")
with app.test_request_context():
    old = weakref.ref(programme())
settle_memory()
before = gc.get_freeze_count()
assert before > 0
with MemoryStore(path) as other:
    other.write(Tables.from_records([*PEOPLE, {"id": "cat", "type": "person"}], TIES))
with app.test_request_context():
    new = programme()
    assert new is not old() and "cat" in new.nodes.index
print(gc.get_freeze_count() > before, old() is None)  # the new programme kept out too
"""


def test_a_settled_server_lets_the_old_programme_go_after_a_switch(tmp_path):
    """``lacgraph serve`` keeps the indexed programme out of garbage collections (they
    would stop every request for a moment); after a switch to new data the old programme
    is still freed, and the new one is kept out in its turn. (In a child process: the
    collector's state is the whole process's.)"""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-c", SETTLED_SWITCH, str(tmp_path / "p.sqlite")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-2:] == ["True", "True"], run.stdout + run.stderr
