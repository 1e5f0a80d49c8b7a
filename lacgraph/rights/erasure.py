"""A data subject's right to erasure (UK GDPR Article 17): erase, and stay erased.

:func:`erase` removes a person from a store in one transaction (their node, every tie
touching them, every ``coordinator``/``brokered_by`` reference to them), keeps a keyed
*tombstone* of the id in the store, turns the audit rows about them into a keyed
pseudonym, and audits the erasure itself. :func:`screen` checks tables about to be
loaded against the tombstones: a load that still holds an erased id is refused, naming
it, or (``skip=True``) the id is dropped, so an erasure cannot be undone by accident.
A load runs it inside the store's write transaction (:func:`load_check`), so an erasure
committed while the load runs is seen too.

Tombstones and pseudonyms are HMAC-SHA256 of the id with the pseudonym key
(``LACGRAPH_PSEUDONYM_KEY``): without the key nobody can tell which ids were erased.

Examples
--------
>>> from lacgraph.privacy import Pseudonymiser
>>> from lacgraph.stores import MemoryStore
>>> from lacgraph.tables import Tables
>>> key = Pseudonymiser(b"team key")
>>> T = Tables.from_records(
...     [{"id": "sam", "type": "person"}, {"id": "ann", "type": "person"}],
...     [{"source": "sam", "target": "ann", "kind": "friend", "start": "2024-01-01"}])
>>> store = MemoryStore()
>>> _ = store.write(T)
>>> report = erase(store, "sam", key)
>>> report.erasure.ties_removed, list(store.read().nodes["id"])
(1, ['ann'])
>>> screen(T, store.tombstones(), key)
Traceback (most recent call last):
...
lacgraph.errors.InputError: 1 problem in the input:
  nodes column id: 'sam': this person was erased; remove them from the files, or load with --skip-erased to leave them out
>>> kept, dropped = screen(T, store.tombstones(), key, skip=True)
>>> list(kept.nodes["id"]), len(kept.ties), dropped
(['ann'], 0, ['sam'])
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from lacgraph.audit.outbox import deliver
from lacgraph.errors import InputError, NotFound, Problem, QueryError
from lacgraph.privacy import Pseudonymiser
from lacgraph.stores.base import Erasure, Store
from lacgraph.stores.guard import LoadCheck, Marks
from lacgraph.tables import Tables

__all__ = ["AuditLog", "ErasureReport", "erase", "load_check", "refuse_merged", "screen",
           "tombstone"]

_DOMAIN = b"lacgraph-erased\x00"


class AuditLog(Protocol):
    """What erasure needs from the audit log (:class:`lacgraph.audit.log.AuditLog`)."""

    def pseudonymise_person(self, person: str, pseudonym: str, label: str = "") -> int: ...

    def audit_log(self, *, user: str | None = None, action: str | None = None,
                  since: str | None = None, limit: int | None = None) -> list[tuple]: ...

    def audit(self, user: str, role: str, action: str, target: str = "", detail: str = "",
              address: str = "") -> None: ...


@dataclass(frozen=True)
class ErasureReport:
    """What :func:`erase` did: the store's :class:`Erasure`, the pseudonym now standing for
    the person, and how many audit rows were pseudonymised."""

    erasure: Erasure
    pseudonym: str
    audit_rows: int


def tombstone(key: Pseudonymiser, person: str) -> str:
    """Return the keyed tombstone of an id (HMAC-SHA256, hex), unlike its pseudonym.

    Examples
    --------
    >>> k = Pseudonymiser(b"k")
    >>> len(tombstone(k, "sam")), tombstone(k, "sam") == tombstone(k, "ann")
    (64, False)
    """
    return hmac.new(key.key, _DOMAIN + str(person).encode("utf-8"), hashlib.sha256).hexdigest()


def erase(store: Store, person: str, key: Pseudonymiser, *, audit_log: AuditLog | None = None,
          user: str = "cli", role: str = "cli") -> ErasureReport:
    """Erase ``person`` from ``store`` and pseudonymise the audit rows about them.

    Parameters
    ----------
    store
        The store to erase from.
    person
        The node id.
    key
        The pseudonym key (tombstone and pseudonym).
    audit_log
        The web app's audit log, if there is one: rows about the person keep only the
        pseudonym, and the erasure is logged as ``person.erase``.
    user, role
        Who erased (for the audit line).

    Returns
    -------
    ErasureReport

    Raises
    ------
    NotFound
        When ``person`` is not a node.
    KeyMismatch
        When the store was used with another pseudonym key (nothing is erased).
    """
    label = _label(store, person)
    store.check_key(key.fingerprint())  # another key's tombstone would not stop a reload
    if audit_log is not None:  # rows kept with changes reach the log first, then are pseudonymised
        deliver(store, audit_log)
    merged_in = sorted(d for d, k in store.merged().items() if k == person)  # the same person
    erasure = store.erase_person(person, tombstone=tombstone(key, person),
                                 also=frozenset(tombstone(key, d) for d in merged_in))
    pseudonym = key(person)
    rows = 0
    if audit_log is not None:
        rows = audit_log.pseudonymise_person(person, pseudonym, label)
        for dropped in merged_in:
            rows += audit_log.pseudonymise_person(dropped, key(dropped), label)
        audit_log.audit(user, role, "person.erase", pseudonym,
                        f"ties={erasure.ties_removed} references={erasure.references_cleared}"
                        f" audit_rows={rows}")
    return ErasureReport(erasure, pseudonym, rows)


def _label(store: Store, person: str) -> str:
    nodes = store.read().nodes
    match = nodes.loc[nodes["id"] == person, "label"]
    if match.empty:
        raise NotFound(f"No node with id {person!r}")
    return str(match.iloc[0])


def load_check(key: Pseudonymiser | None, *, skip: bool = False
               ) -> tuple[LoadCheck, list[str]]:
    """The check a load makes inside the store's write transaction: the key's
    fingerprint and :func:`screen` against the tombstones as they are then.

    Returns the check and a list that, once the load is written, holds the erased ids
    left out (with ``skip``).

    Examples
    --------
    >>> from lacgraph.stores import MemoryStore
    >>> store = MemoryStore()
    >>> T = Tables.from_records([{"id": "sam", "type": "person"}], [])
    >>> _ = store.write(T)
    >>> key = Pseudonymiser(b"team secret")
    >>> _ = store.erase_person("sam", tombstone=tombstone(key, "sam"))
    >>> check, skipped = load_check(key, skip=True)
    >>> store.write(T, check=check).nodes_added, skipped
    (0, ['sam'])
    """
    skipped: list[str] = []

    def screened(tables: Tables, marks: Marks) -> Tables:
        kept, left_out = screen(tables, marks.tombstones, key, skip=skip)
        refuse_merged(kept, marks.merged)
        skipped[:] = left_out
        return kept

    return LoadCheck("" if key is None else key.fingerprint(), screened), skipped


def refuse_merged(tables: Tables, merged: Mapping[str, str]) -> None:
    """Refuse tables holding an id merged into another (``merged[drop] == keep``, see
    :func:`lacgraph.analysis.duplicates.merge_in_store`), naming the id kept.

    A load is refused rather than redirected to the id kept: the rows of the dropped
    duplicate would have to be merged into the kept one's again, silently, on every load;
    the files are corrected instead (or the merge is undone by hand).

    Examples
    --------
    >>> T = Tables.from_records([{"id": "zoe2", "type": "person"}], [])
    >>> refuse_merged(T, {"zoe2": "zoe"})
    Traceback (most recent call last):
    ...
    lacgraph.errors.InputError: 1 problem in the input:
      nodes column id: 'zoe2': this id was merged into 'zoe' (lacgraph merge); use 'zoe' in the files instead
    """
    if not merged:
        return
    nodes, ties = tables.nodes, tables.ties
    ids = set(nodes["id"]) | set(ties["source"]) | set(ties["target"]) \
        | set(nodes["coordinator"]) | set(ties["brokered_by"])
    found = sorted(i for i in ids if i in merged)
    if found:
        raise InputError([Problem("nodes", 0, "id", drop,
                                  f"this id was merged into {merged[drop]!r} (lacgraph merge); "
                                  f"use {merged[drop]!r} in the files instead")
                          for drop in found])


def screen(tables: Tables, tombstones: frozenset[str], key: Pseudonymiser | None, *,
           skip: bool = False) -> tuple[Tables, list[str]]:
    """Check tables about to be loaded against a store's tombstones.

    Parameters
    ----------
    tables
        The validated tables.
    tombstones
        :meth:`Store.tombstones` of the store they go into.
    key
        The pseudonym key the tombstones were made with (needed only when there are any).
    skip
        Leave erased ids out (their node, their ties, references to them) instead of
        refusing the load.

    Returns
    -------
    tuple of (Tables, list of str)
        The tables to load, and the erased ids left out (sorted).

    Raises
    ------
    InputError
        When the tables hold an erased id and ``skip`` is false (every such id named).
    QueryError
        When the store has tombstones but no key was given.
    """
    if not tombstones:
        return tables, []
    if key is None:
        raise QueryError("This store has erased people: set LACGRAPH_PSEUDONYM_KEY (the key "
                         "used when erasing) so the load can be checked against them.")
    nodes, ties = tables.nodes, tables.ties
    ids = set(nodes["id"]) | set(ties["source"]) | set(ties["target"]) \
        | set(nodes["coordinator"]) | set(ties["brokered_by"])
    erased = sorted(i for i in ids if i and tombstone(key, i) in tombstones)
    if not erased:
        return tables, []
    if not skip:
        raise InputError([Problem("nodes", 0, "id", person,
                                  "this person was erased; remove them from the files, or "
                                  "load with --skip-erased to leave them out")
                          for person in erased])
    gone = list(erased)
    nodes = nodes[~nodes["id"].isin(gone)].reset_index(drop=True)
    nodes = nodes.assign(coordinator=nodes["coordinator"].where(
        ~nodes["coordinator"].isin(gone), ""))
    ties = ties[~(ties["source"].isin(gone) | ties["target"].isin(gone))].reset_index(drop=True)
    ties = ties.assign(brokered_by=ties["brokered_by"].where(~ties["brokered_by"].isin(gone), ""))
    return Tables(nodes, ties), erased
