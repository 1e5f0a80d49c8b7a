"""The storage interface: the handful of methods every store implements.

A store keeps a programme's validated :class:`~lacgraph.tables.Tables` and answers the
few reads the engine needs. Whole-population measures read :meth:`Store.snapshot` and
project it into numpy/scipy (as Neo4j GDS projects a graph); a coordinator's view reads
:meth:`Store.ego`. Two implementations pass one contract suite (``tests/contract``):
``memory`` (optionally persisted to one SQLite file) and ``neo4j`` (over Bolt).

Semantics every store honours:

* :meth:`write` is all-or-nothing and idempotent: nodes are upserted by ``id``, ties by
  their key ``(source, target, kind, start)`` (``source``/``target`` unordered); writing
  the same tables twice changes nothing the second time; if it raises, the store holds
  exactly what it held before.
* Reads return tables in the canonical dtypes of :mod:`lacgraph.tables`, nodes sorted
  by ``id`` and ties by ``(source, target, kind, start)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from lacgraph.errors import StoreError
from lacgraph.stores.guard import AuditNote, Guard, LoadCheck
from lacgraph.tables import DateLike, Tables

TieKey = tuple[str, str, str, str]
"""A tie's key: ``(source, target, kind, start)`` with ``start`` as ISO ``YYYY-MM-DD``
(``source`` and ``target`` in either order)."""

Progress = Callable[[int], None]
"""Called with the number of rows just written, so a caller can advance a progress bar."""


@dataclass(frozen=True)
class LoadSummary:
    """What a :meth:`Store.write` changed."""

    nodes_added: int = 0
    nodes_changed: int = 0
    nodes_unchanged: int = 0
    ties_added: int = 0
    ties_changed: int = 0
    ties_unchanged: int = 0
    nodes_removed: int = 0
    ties_removed: int = 0

    @property
    def changed_anything(self) -> bool:
        """True when the write added or changed at least one node or tie."""
        return bool(self.nodes_added or self.nodes_changed or self.ties_added or self.ties_changed
                    or self.nodes_removed or self.ties_removed)


@dataclass(frozen=True)
class Erasure:
    """What :meth:`Store.erase_person` removed, and what (if anything) is still on disk."""

    ties_removed: int = 0
    references_cleared: int = 0
    remaining: str = ""
    """Empty when no copy of the erased rows is left; otherwise what remains and why."""


class Store(ABC):
    """A place a programme's network lives. Use as a context manager to close it."""

    waiting: Callable[[str], None] | None = None
    """Told (a one-line message) when a write has to wait for another program's write."""

    @abstractmethod
    def write(self, tables: Tables, *, progress: Progress | None = None,
              check: LoadCheck | None = None) -> LoadSummary:
        """Upsert validated ``tables`` in one all-or-nothing step.

        ``check`` (:class:`~lacgraph.stores.guard.LoadCheck`) runs inside the write
        transaction: the pseudonym key's fingerprint is compared with the one kept
        (:class:`~lacgraph.errors.KeyMismatch`) and ``check.screen`` sees the tombstones
        and merged ids as they are then, so an erasure committed while a load runs is
        never undone by it. If it raises, nothing is written."""

    @abstractmethod
    def read(self) -> Tables:
        """Return everything the store holds."""

    @abstractmethod
    def snapshot(self, at: DateLike) -> Tables:
        """Return every node, and the ties active at ``at`` (household ties included)."""

    @abstractmethod
    def ego(self, person: str, at: DateLike) -> Tables:
        """Return ``person``, its alters at ``at`` and the active ties among them all.

        Raises :class:`~lacgraph.errors.NotFound` when ``person`` is not a node.
        Household ties and family nodes are included only where they touch these nodes;
        measures ignore them.
        """

    def record_change(self, tables: Tables, remove: Sequence[TieKey] = (), *,
                      guard: Guard | None = None) -> LoadSummary:
        """Record one change a coordinator made, in one all-or-nothing step.

        The ties keyed by ``remove`` are deleted (a connection recorded by mistake, or the
        old row of one being corrected), then ``tables`` is upserted exactly as
        :meth:`write` does. Either all of it is stored or none of it.

        ``guard`` (:mod:`lacgraph.stores.guard`) is checked inside the same transaction,
        against what is stored then: the versions of the rows the change is based on
        (:class:`~lacgraph.errors.StaleWrite` when one moved on), the tombstones of the ids
        it writes (:class:`~lacgraph.errors.ErasedId`), its one-time token (consumed;
        :class:`~lacgraph.errors.AlreadySubmitted` the second time); its audit row is kept
        with the change (see :meth:`pending_audit`).

        Raises :class:`~lacgraph.errors.NotFound` when a key in ``remove`` is not a tie,
        and :class:`~lacgraph.errors.StoreError` when the result would be inconsistent.
        A store that cannot change ties in place raises :class:`NotImplementedError`.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot record changes yet")

    def update(self, change: Callable[[Tables], Tables], *, guard: Guard | None = None,
               replace: bool = False, merged: Mapping[str, str] | None = None,
               check: LoadCheck | None = None) -> LoadSummary:
        """Upsert ``change(current)`` where ``current`` is what the store holds *inside*
        the write transaction (an admin's update merged with the data as it is now, not
        as it was when the request began); ``guard`` as for :meth:`record_change`.
        ``change`` may raise to refuse the write (nothing is written).

        With ``replace`` the store is made to hold exactly ``change(current)`` (as
        :meth:`replace` does): rows of ``current`` it lacks are removed in the same
        transaction, so a change that removes nodes or ties (merging a duplicate) works
        on what is stored now and undoes nothing committed before it.

        ``merged`` (dropped id -> kept id) is recorded with the change, not as an erasure
        (no audit row is touched): see :meth:`merged`. An id merged earlier into a dropped
        one then points at the one kept.

        ``check`` (as for :meth:`write`) is applied to ``change(current)`` in the same
        transaction: the pseudonym key's fingerprint is compared with the one kept then
        (:class:`~lacgraph.errors.KeyMismatch`) and the screen sees the tombstones and
        merged ids as they are then (an admin's upload)."""
        raise NotImplementedError(f"{type(self).__name__} cannot update in one step yet")

    def pending_audit(self) -> list[AuditNote]:
        """The audit rows kept with changes and not yet confirmed written to the audit log
        (see :mod:`lacgraph.audit.outbox`), oldest first."""
        return []

    def audit_delivered(self, ids: Sequence[str]) -> None:
        """Forget the kept audit rows ``ids``: the audit log holds them now."""
        return None

    def check_key(self, fingerprint: str) -> None:
        """Remember ``fingerprint`` (of the pseudonym key,
        :meth:`lacgraph.privacy.Pseudonymiser.fingerprint`) at its first use; raise
        :class:`~lacgraph.errors.KeyMismatch` when the store was used with another key."""
        return None

    def replace(self, tables: Tables, *, progress: Progress | None = None,
                check: LoadCheck | None = None) -> LoadSummary:
        """Make the store hold exactly ``tables``, in one all-or-nothing step (``check``
        as for :meth:`write`).

        Rows the store holds but ``tables`` lacks are removed (counted in
        ``nodes_removed``/``ties_removed``). A tie whose source and target are swapped
        is the same tie and, here, not a change.
        """
        raise StoreError(f"{type(self).__name__} cannot replace its data yet")

    @abstractmethod
    def erase_person(self, person: str, *, tombstone: str | None = None,
                     also: frozenset[str] = frozenset()) -> Erasure:
        """Erase a person (a data subject's right to erasure), in one transaction.

        Removes the node, every tie touching it, every reference to it (a node's
        ``coordinator``, a tie's ``brokered_by`` become empty) and the record of ids
        merged into it (:meth:`merged`). ``tombstone`` (a keyed hash of the id, see
        :mod:`lacgraph.rights.erasure`) is kept so that later loads holding the id can be
        refused, and so are the tombstones ``also`` (of the ids merged into the person,
        the same person). Raises :class:`~lacgraph.errors.NotFound` when ``person`` is
        not a node.
        """

    def finish_erasure(self) -> str:
        """Remove what an erasure left behind while another program had the store open;
        return ``""`` when nothing remains, else what does."""
        return ""

    def tombstones(self) -> frozenset[str]:
        """Return the keyed hashes of every erased id (see :mod:`lacgraph.rights.erasure`)."""
        return frozenset()

    def merged(self) -> dict[str, str]:
        """Return the ids merged into another by ``lacgraph merge`` (dropped id -> kept
        id): loads holding a dropped id are refused, naming the one kept."""
        return {}

    def data_version(self) -> str:
        """Return a text that changes whenever any process changes the data.

        Every write that changes something, every replace and every erasure changes it;
        reading never does. A server compares it per request to switch to new data.
        """
        raise StoreError(f"{type(self).__name__} has no data version yet")

    @abstractmethod
    def close(self) -> None:
        """Release the store's resources."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
