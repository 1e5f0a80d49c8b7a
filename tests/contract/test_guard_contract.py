"""Writes that know what they change (issue 23, findings 1-4): a change carries the
versions of the rows it edits, a one-time token, the tombstones of the ids it writes and
its audit row; the store checks and keeps them inside its write transaction. The same on
every store of ``conftest.STORES`` (memory, SQLite file, Neo4j)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from lacgraph.errors import AlreadySubmitted, ErasedId, InputError, KeyMismatch, StaleWrite
from lacgraph.privacy import Pseudonymiser
from lacgraph.rights import erasure
from lacgraph.rights.erasure import load_check, tombstone
from lacgraph.stores import Store
from lacgraph.stores.guard import (
    ABSENT,
    ANY,
    AuditNote,
    Guard,
    LoadCheck,
    Marks,
    tie_version,
    versions,
)
from lacgraph.tables import Tables, ties_to_text
from tests.contract.conftest import another_handle
from tests.contract.test_store_contract import network, tie

KEY = ("sam", "ann", "friend", "2024-01-01")


def _version(store: Store, key=KEY) -> str | None:
    now = store.read()
    return versions(now.nodes, now.ties, Guard(ties={key: ""}))["ties"][key]


def _row(store: Store, key=KEY) -> dict:
    ties = ties_to_text(store.read().ties)
    hit = ties[(ties["source"] == key[0]) & (ties["target"] == key[1]) & (ties["kind"] == key[2])
               & (ties["start"] == key[3])]
    return hit.iloc[0].to_dict()


def test_a_change_based_on_an_old_version_is_refused_with_the_row_as_it_is_now(store: Store):
    store.write(network())
    seen = _version(store)
    base = _row(store)
    ended = Tables.from_records([], [{**base, "end": "2024-05-01"}])
    store.record_change(ended, guard=Guard(ties={KEY: seen}))
    assert _row(store)["end"] == "2024-05-01"
    corrected = Tables.from_records([], [{**base, "circle": 3}])
    with pytest.raises(StaleWrite, match="changed by someone else") as refused:
        store.record_change(corrected, remove=[KEY], guard=Guard(ties={KEY: seen}))
    assert refused.value.current["ties"][KEY]["end"] == "2024-05-01"
    assert _row(store)["end"] == "2024-05-01" and _row(store)["circle"] == "1"
    assert tie_version(_row(store)) == _version(store)


def test_a_new_connection_must_not_exist_and_its_person_must(store: Store):
    store.write(network())
    new = Tables.from_records([], [tie("sam", "bob", "friend", "2024-07-01")])
    key = ("sam", "bob", "friend", "2024-07-01")
    guard = Guard(ties={key: ABSENT}, nodes={"sam": ANY})
    store.record_change(new, guard=guard)
    with pytest.raises(StaleWrite, match="recorded by someone else"):
        store.record_change(new, guard=guard)
    store.erase_person("dan")
    late = Tables.from_records([], [tie("dan", "bob", "friend", "2024-07-01")])
    with pytest.raises(StaleWrite, match="dan was removed"):
        store.record_change(late, guard=Guard(nodes={"dan": ANY}))
    assert "dan" not in set(store.read().nodes["id"])


def test_a_form_token_is_used_once(store: Store):
    store.write(network())
    guard = Guard(token="form-1")
    person = Tables.from_records([{"id": "new-1", "type": "person", "label": "Mo"}], [])
    store.record_change(person, guard=guard)
    with pytest.raises(AlreadySubmitted, match="already sent"):
        store.record_change(Tables.from_records(
            [{"id": "new-2", "type": "person", "label": "Mo"}], []), guard=guard)
    assert "new-2" not in set(store.read().nodes["id"])


def test_two_threads_with_one_token_store_one_change(store: Store):
    store.write(network())
    guard = Guard(token="form-2")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def post(i: int) -> None:
        start.wait()
        try:
            store.record_change(Tables.from_records(
                [{"id": f"twin-{i}", "type": "person", "label": "Twin"}], []), guard=guard)
            outcomes.append("stored")
        except AlreadySubmitted:
            outcomes.append("refused")

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "stored"]
    assert store.read().nodes["id"].str.startswith("twin-").sum() == 1


def test_an_erased_id_is_refused_inside_the_write(store: Store):
    key = Pseudonymiser(b"contract key")
    store.write(network())
    store.erase_person("dan", tombstone=tombstone(key, "dan"))
    back = Tables.from_records([{"id": "dan", "type": "person", "label": "Dan"}], [])
    with pytest.raises(ErasedId, match="erased"):
        store.record_change(back, guard=Guard(tombstones=frozenset({tombstone(key, "dan")})))
    with pytest.raises(ErasedId):
        store.update(lambda now: back, guard=Guard(tombstones=frozenset(
            {tombstone(key, "dan")})))
    assert "dan" not in set(store.read().nodes["id"])


def test_the_audit_row_is_kept_with_the_change_until_delivered(store: Store):
    store.write(network())
    note = AuditNote("c-1", "2026-01-01T10:00:00Z", "ann", "coordinator", "record.add", "sam",
                     '{"change": "c-1"}')
    store.record_change(Tables.from_records([], [tie("sam", "bob", "friend", "2024-07-01")]),
                        guard=Guard(audit=note))
    assert store.pending_audit() == [note]
    with pytest.raises(StaleWrite):  # a refused change keeps no audit row
        store.record_change(Tables.from_records([], []), guard=Guard(
            ties={KEY: "old"}, audit=AuditNote("c-2", *note.as_tuple()[1:])))
    assert [n.id for n in store.pending_audit()] == ["c-1"]
    store.audit_delivered(["c-1"])
    assert store.pending_audit() == []


def test_an_update_merges_with_what_is_stored_inside_the_write(store: Store):
    store.write(network())
    seen = store.read()  # an upload's request began here
    store.record_change(Tables.from_records([], [{**_row(store), "end": "2024-05-01"}]))

    def merge(now: Tables) -> Tables:
        nodes = now.nodes.copy()
        nodes.loc[nodes["id"] == "bob", "label"] = "Robert"
        return Tables(nodes, now.ties)

    summary = store.update(merge)
    assert summary.nodes_changed == 1 and summary.ties_changed == 0
    assert _row(store)["end"] == "2024-05-01"  # the coordinator's change survives
    assert len(seen.ties) == len(store.read().ties)


def test_the_pseudonym_key_is_fingerprinted_at_first_use(store: Store):
    store.write(network())
    store.check_key(Pseudonymiser(b"one").fingerprint())
    store.check_key(Pseudonymiser(b"one").fingerprint())
    with pytest.raises(KeyMismatch, match="another pseudonym key"):
        store.check_key(Pseudonymiser(b"two").fingerprint())


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("skip", [False, True])
def test_a_load_checks_the_tombstones_inside_its_write(
        store: Store, request: pytest.FixtureRequest, replace: bool, skip: bool) -> None:
    """An erasure committed (by another connection) when the load has read the tombstones
    is seen by the load's check: the load is refused, or leaves the person out, or waits
    and the erasure follows it; never is the erased person written back."""
    key = Pseudonymiser(b"contract key")
    store.write(network())
    store.check_key(key.fingerprint())
    other = another_handle(store, request)
    threads: list[threading.Thread] = []
    errors: list[BaseException] = []

    def erase_dan() -> None:
        try:
            erasure.erase(other, "dan", key)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    check, _ = load_check(key, skip=skip)
    assert check.screen is not None
    screen = check.screen

    def racing(tables: Tables, marks: Marks) -> Tables:
        if not threads:
            threads.append(threading.Thread(target=erase_dan))
            threads[0].start()
            threads[0].join(timeout=2.0)  # waits behind the load's lock where there is one
        return screen(tables, marks)

    base = network()  # and something new, so a staged write has rows to stage
    load = Tables.from_records(
        [*base.to_text()[0].to_dict("records"), {"id": "eve", "type": "person"}],
        [*base.to_text()[1].to_dict("records"), tie("eve", "dan", "friend", "2024-07-01"),
         tie("eve", "ann", "friend", "2024-07-01")])
    write = store.replace if replace else store.write
    try:
        try:
            write(load, check=LoadCheck(check.fingerprint, racing))
        except Exception as err:  # noqa: BLE001 - a refusal must name the erasure
            assert "erased" in str(err), err
        for thread in threads:
            thread.join(timeout=120)
        assert threads and not errors, errors
        now = store.read()
        assert "dan" not in set(now.nodes["id"])
        assert not ({"dan"} & (set(now.ties["source"]) | set(now.ties["target"])))
        assert tombstone(key, "dan") in store.tombstones()
    finally:
        if other is not store:
            other.close()


def test_a_load_with_another_key_is_refused_inside_its_write(store: Store) -> None:
    store.write(network())
    store.check_key(Pseudonymiser(b"one").fingerprint())
    more = Tables.from_records([{"id": "new", "type": "person"}], [])
    with pytest.raises(KeyMismatch, match="another pseudonym key"):
        store.write(more, check=LoadCheck(Pseudonymiser(b"two").fingerprint()))
    with pytest.raises(KeyMismatch):
        store.replace(network(), check=LoadCheck(Pseudonymiser(b"two").fingerprint()))
    assert "new" not in set(store.read().nodes["id"])
    assert store.write(more, check=LoadCheck(Pseudonymiser(b"one").fingerprint())).nodes_added


def test_an_update_checks_the_key_and_the_marks_inside_its_write(store: Store) -> None:
    """An admin's upload (:meth:`Store.update` with a load's check): the key and the
    tombstones are those stored when the update writes; a refusal writes nothing."""
    key = Pseudonymiser(b"one")
    store.write(network())
    store.check_key(key.fingerprint())
    erasure.erase(store, "dan", key)

    def adding(person: str) -> Callable[[Tables], Tables]:
        def change(now: Tables) -> Tables:
            nodes, ties = now.to_text()
            return Tables.from_records([*nodes.to_dict("records"),
                                        {"id": person, "type": "person"}],
                                       ties.to_dict("records"))
        return change

    with pytest.raises(KeyMismatch, match="another pseudonym key"):
        store.update(adding("new"), check=load_check(Pseudonymiser(b"two"))[0])
    with pytest.raises(InputError, match="'dan': this person was erased"):
        store.update(adding("dan"), check=load_check(key)[0])
    assert not {"new", "dan"} & set(store.read().nodes["id"])
    assert store.update(adding("new"), check=load_check(key)[0]).nodes_added == 1
