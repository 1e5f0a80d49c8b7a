"""The facade people hold: ``lacgraph.open(source)`` gives a :class:`Network` with the verbs.

A *source* is a data folder (``nodes.csv`` + ``ties.csv``), an ``.xlsx`` workbook, a
store file written by ``lacgraph load``, or a ``bolt://`` / ``neo4j://`` URI. Every verb
returns a pandas DataFrame keyed by ``id``.

Examples
--------
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
...            {"id": "jo", "type": "person", "label": "Jo"}],
...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-01-10"}],
... )
>>> G = Network.from_tables(T)
>>> G.metrics(at="2024-02-01")[["id", "size", "natural"]].to_dict("records")
[{'id': 'jo', 'size': 1, 'natural': 1}, {'id': 'sam', 'size': 1, 'natural': 1}]
>>> G.circle("sam", at="2024-02-01")[["id", "label", "category", "circle"]].to_dict("records")
[{'id': 'jo', 'label': 'Jo', 'category': 'natural', 'circle': 2}]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from lacgraph.analysis import circle
from lacgraph.analysis.circle import CIRCLE_COLUMNS as CIRCLE_COLUMNS  # re-exported
from lacgraph.analysis.measures import ego_measures
from lacgraph.analysis.snapshot import Snapshot, project
from lacgraph.errors import NotFound, QueryError
from lacgraph.model import AT_RISK_THRESHOLD
from lacgraph.stores import MemoryStore, Store, open_store
from lacgraph.tables import DateLike, Tables, last_date, to_date
from lacgraph.uri import is_uri

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from lacgraph.analysis.families import Family
    from lacgraph.analysis.growth import Growth
    from lacgraph.privacy import Pseudonymiser


Source = str | os.PathLike[str]


def open_source(source: Source, **store_options: object) -> Store:
    """Return a store holding ``source``: read and validated, or opened in place.

    A folder or workbook is validated (:func:`lacgraph.loaders.read_source`) and held in
    memory; a store file or URI is opened as it is.
    """
    from lacgraph.loaders import read_source

    if is_uri(source):
        return open_store(str(source), **store_options)
    path = Path(source)
    if path.is_dir() or path.suffix.lower() == ".xlsx":
        store = MemoryStore()
        store.write(read_source(path))
        return store
    if path.is_file():
        return MemoryStore(path)
    raise NotFound(
        f"{source}: no such data folder, .xlsx workbook or store file "
        "(expected a folder with nodes.csv and ties.csv, a workbook, or a file made by "
        "'lacgraph load')"
    )


SNAPSHOTS_KEPT = 8
"""Snapshots a network keeps (least recently used dropped first): asking for many dates
must not grow memory without bound."""


class Network:
    """A programme's dated network, asked questions "at" a date.

    Hold one with :func:`lacgraph.open`; it reads from its store and caches snapshots.
    """

    def __init__(self, store: Store):
        self.store = store
        self._tables: Tables | None = None
        self._snapshots: dict[np.datetime64, Snapshot] = {}

    @classmethod
    def from_tables(cls, tables: Tables) -> Network:
        """Return a network over validated tables, held in an in-memory store."""
        store = MemoryStore()
        store.write(tables)
        return cls(store)

    # -- reading ---------------------------------------------------------------------------
    @property
    def tables(self) -> Tables:
        """Everything the store holds (read once, then cached)."""
        if self._tables is None:
            self._tables = self.store.read()
        return self._tables

    @property
    def last_date(self) -> np.datetime64:
        """The data's last date: the largest start or end date present, or today if that
        is later than today (:func:`lacgraph.tables.last_date`)."""
        last = last_date(self.tables.ties)
        if last is None:
            raise QueryError("The network has no ties, so it has no last date; give --at.")
        return last

    def resolve_date(self, at: DateLike | None) -> np.datetime64:
        """Return ``at`` as a day, or the data's last date when ``at`` is None."""
        if at is None:
            return self.last_date
        try:
            return to_date(at)
        except ValueError as err:
            raise QueryError(f"{at!r} is not a date: expected YYYY-MM-DD") from err

    def snapshot(self, at: DateLike | None = None) -> Snapshot:
        """Return the network at ``at`` projected for vectorised measures (cached)."""
        day = self.resolve_date(at)
        snapshot = self._snapshots.pop(day, None)
        if snapshot is None:
            snapshot = project(self.store.snapshot(day), day)
        self._snapshots[day] = snapshot  # most recently used last
        while len(self._snapshots) > SNAPSHOTS_KEPT:
            self._snapshots.pop(next(iter(self._snapshots)), None)
        return snapshot

    def node(self, node_id: str) -> pd.Series:
        """Return one node's row; :class:`~lacgraph.errors.NotFound` if it is not there."""
        nodes = self.tables.nodes
        match = nodes[nodes["id"] == node_id]
        if match.empty:
            raise NotFound(f"No node with id {node_id!r} in this network.")
        return match.iloc[0]

    # -- verbs -----------------------------------------------------------------------------
    def metrics(
        self, at: DateLike | None = None, *, at_risk_below: int = AT_RISK_THRESHOLD
    ) -> pd.DataFrame:
        """Return every person's ego-network measures at ``at`` (see :mod:`lacgraph.analysis.measures`).

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> G = Network.from_tables(Tables.from_records(
        ...     nodes=[{"id": "a", "type": "person"}], ties=[]))
        >>> G.metrics(at="2024-01-01")[["id", "size", "isolated"]].to_dict("records")
        [{'id': 'a', 'size': 0, 'isolated': True}]
        """
        return ego_measures(self.snapshot(at), at_risk_below=at_risk_below)

    def circle(self, person: str, at: DateLike | None = None) -> pd.DataFrame:
        """Return one person's alters at ``at``: who, which kinds, category, circle, since when.

        One row per alter (several ties between the pair count once): ``kind`` lists the
        active kinds joined by ``;``, ``category`` and ``circle`` are the closest over
        them, ``since`` is the earliest start, ``reciprocal`` whether any is reciprocal,
        ``brokered_by`` the coordinators who brokered any. Sorted by circle, then label.

        Examples
        --------
        >>> from lacgraph.tables import Tables
        >>> G = Network.from_tables(Tables.from_records(
        ...     nodes=[{"id": "sam", "type": "person"}, {"id": "choir", "type": "group"}],
        ...     ties=[{"source": "sam", "target": "choir", "kind": "member",
        ...            "start": "2024-03-01"}]))
        >>> G.circle("sam", at="2024-04-01")[["id", "kind", "since"]].to_dict("records")
        [{'id': 'choir', 'kind': 'member', 'since': '2024-03-01'}]
        """
        return circle.circle_table(self.store, person, self.resolve_date(at))

    # -- the coordinator's view (lacgraph.analysis.circle, lacgraph.viz) -----------------------------
    def changes(self, person: str, since: DateLike, at: DateLike | None = None) -> pd.DataFrame:
        """Ties of ``person`` added or ended between two dates (:func:`lacgraph.analysis.circle.changes`)."""
        return circle.changes(self, person, since, at)

    def compare(self, person: str, since: DateLike, at: DateLike | None = None) -> pd.DataFrame:
        """Alters at either date with what changed (:func:`lacgraph.analysis.circle.compare`)."""
        return circle.compare(self, person, since, at)

    def timeline(self, person: str) -> pd.DataFrame:
        """Network size by category at each change (:func:`lacgraph.analysis.circle.timeline`)."""
        return circle.timeline(self, person)

    def draw_circle(self, person: str, at: DateLike | None = None,
                    path: str | os.PathLike[str] | None = None, *,
                    since: DateLike | None = None, pseudonymiser: Pseudonymiser | None = None,
                    ) -> Figure:
        """The circle-of-support picture (:func:`lacgraph.viz.circle.draw_circle`)."""
        from lacgraph.viz.circle import draw_circle

        return draw_circle(self, person, at, path, since=since, pseudonymiser=pseudonymiser)

    def circle_html(self, person: str, at: DateLike | None = None, *,
                    since: DateLike | None = None,
                    pseudonymiser: Pseudonymiser | None = None) -> str:
        """The interactive, escaped, offline circle page (:func:`lacgraph.viz.html.circle_html`)."""
        from lacgraph.viz.html import circle_html

        return circle_html(self, person, at, since=since, pseudonymiser=pseudonymiser)

    # -- ideas to talk about (lacgraph.analysis.suggestions, lacgraph.analysis.families) ----------------------
    def suggest(self, person: str, at: DateLike | None = None, limit: int | None = 5
                ) -> pd.DataFrame:
        """Groups to suggest to ``person``, best first (:func:`lacgraph.analysis.suggestions.suggest`)."""
        from lacgraph.analysis.suggestions import suggest

        return suggest(self.snapshot(at), self.tables, person, limit=limit)

    def suggest_all(self, at: DateLike | None = None, *,
                    at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
        """Top suggestion of every at-risk supported person (:func:`lacgraph.analysis.suggestions.suggest_all`)."""
        from lacgraph.analysis.suggestions import suggest_all

        return suggest_all(self.snapshot(at), self.tables, at_risk_below=at_risk_below)

    def family(self, person: str, at: DateLike | None = None) -> Family:
        """The household of ``person`` and its shared network (:func:`lacgraph.analysis.families.family`)."""
        from lacgraph.analysis.families import family, household_tables

        day = self.resolve_date(at)
        return family(household_tables(self.store, person, day), person, day)

    # -- the evaluator's view (lacgraph.analysis.growth) ---------------------------------------------
    # growth (scipy) and clusters (igraph) are imported when their verbs are asked, so
    # opening a network stays quick; the arrows still run one way (they never import this).
    def growth(
        self, *, start: DateLike | None = None, end: DateLike | None = None,
        months: int | None = None, as_of: DateLike | None = None,
    ) -> Growth:
        """Network growth of the supported cohort (see :func:`lacgraph.analysis.growth.growth`)."""
        from lacgraph.analysis.growth import growth

        return growth(self, start=start, end=end, months=months, as_of=as_of)

    def waves(
        self, months: tuple[int, ...] = (0, 6, 12), as_of: DateLike | None = None
    ) -> pd.DataFrame:
        """Measures at months after introduction, long format (:func:`lacgraph.analysis.growth.waves`)."""
        from lacgraph.analysis.growth import waves

        return waves(self, months=months, as_of=as_of)

    # -- the manager's view (lacgraph.analysis.clusters) ---------------------------------------------
    def isolated_clusters(self, at: DateLike | None = None) -> pd.DataFrame:
        """Groups of people cut off from community life (:func:`lacgraph.analysis.clusters.isolated_clusters`)."""
        from lacgraph.analysis import clusters

        return clusters.isolated_clusters(self, at)

    def isolated_people(self, at: DateLike | None = None, *,
                        at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
        """Isolated and at-risk people (:func:`lacgraph.analysis.clusters.isolated_people`)."""
        from lacgraph.analysis import clusters

        return clusters.isolated_people(self, at, at_risk_below=at_risk_below)

    def neighbourhoods(self, at: DateLike | None = None, since: DateLike | None = None, *,
                       at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
        """Counts per neighbourhood (:func:`lacgraph.analysis.clusters.neighbourhoods`)."""
        from lacgraph.analysis import clusters

        return clusters.neighbourhoods(self, at, since, at_risk_below=at_risk_below)

    def community_assets(self, at: DateLike | None = None, *,
                         at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
        """Groups that connect and bridge (:func:`lacgraph.analysis.communities.community_assets`)."""
        from lacgraph.analysis import communities

        return communities.community_assets(self, at, at_risk_below=at_risk_below)

    def community_gaps(self, at: DateLike | None = None, *,
                       at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
        """Wards with isolated people and no group (:func:`lacgraph.analysis.clusters.community_gaps`)."""
        from lacgraph.analysis import clusters

        return clusters.community_gaps(self, at, at_risk_below=at_risk_below)

    def communities(self, at: DateLike | None = None, resolution: float = 1.0, seed: int = 1, *,
                    at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
        """Leiden communities of natural + community ties (:func:`lacgraph.analysis.communities.communities`)."""
        from lacgraph.analysis import communities

        return communities.communities(self, at, resolution, seed, at_risk_below=at_risk_below)

    # -- data out (lacgraph.readwrite.exports) ------------------------------------------------------
    def export(self, fmt: str, path: str | os.PathLike[str], at: DateLike | None = None, *,
               pseudonymiser: Pseudonymiser | None = None, suppress: bool = False) -> Path:
        """Write GraphML, dynamic GEXF or egor's three files (:func:`lacgraph.readwrite.interchange.export`).

        ``at`` defaults to the data's last date (GEXF holds every date and ignores it).
        """
        from lacgraph.readwrite.interchange import export

        when = None if fmt == "gexf" else self.resolve_date(at)
        return export(self.tables, fmt, path, when, pseudonymiser=pseudonymiser,
                      suppress=suppress)

    def close(self) -> None:
        """Close the underlying store."""
        self.store.close()

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(source: Source, **store_options: object) -> Network:  # noqa: A001 - the verb users expect
    """Open a data folder, workbook, store file or Bolt URI as a :class:`Network`.

    Raises :class:`~lacgraph.errors.InputError` (every problem listed) when a folder or
    workbook does not validate, :class:`~lacgraph.errors.NotFound` when nothing is there.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from lacgraph.synthetic import programme
    >>> from lacgraph.loaders import write_folder
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = write_folder(programme(300, seed=2), folder)
    >>> G = open(folder)
    >>> int(G.metrics().shape[0]) > 0
    True
    """
    return Network(open_source(source, **store_options))
