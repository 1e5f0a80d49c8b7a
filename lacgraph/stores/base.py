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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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

    @property
    def changed_anything(self) -> bool:
        """True when the write added or changed at least one node or tie."""
        return bool(self.nodes_added or self.nodes_changed or self.ties_added or self.ties_changed)


class Store(ABC):
    """A place a programme's network lives. Use as a context manager to close it."""

    @abstractmethod
    def write(self, tables: Tables, *, progress: Progress | None = None) -> LoadSummary:
        """Upsert validated ``tables`` in one all-or-nothing step."""

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

    def record_change(self, tables: Tables, remove: Sequence[TieKey] = ()) -> LoadSummary:
        """Record one change a coordinator made, in one all-or-nothing step.

        The ties keyed by ``remove`` are deleted (a connection recorded by mistake, or the
        old row of one being corrected), then ``tables`` is upserted exactly as
        :meth:`write` does. Either all of it is stored or none of it.

        Raises :class:`~lacgraph.errors.NotFound` when a key in ``remove`` is not a tie,
        and :class:`~lacgraph.errors.StoreError` when the result would be inconsistent.
        A store that cannot change ties in place raises :class:`NotImplementedError`.
        """
        raise NotImplementedError(f"{type(self).__name__} cannot record changes yet")

    @abstractmethod
    def erase_person(self, person: str) -> None:
        """Remove a node and every tie touching it (a data subject's right to erasure).

        Raises :class:`~lacgraph.errors.NotFound` when ``person`` is not a node.
        """

    @abstractmethod
    def close(self) -> None:
        """Release the store's resources."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
