"""How the Neo4j store sends a planned write: ``UNWIND`` batches, in one transaction or
staged.

:class:`BatchedWrites` turns a :class:`~lacgraph.stores._merge.Plan` into statements of
:attr:`~BatchedWrites.batch_size` input rows each (grouped by node type or tie kind, so each
statement's text names one allowlisted label or type) and either runs them all in one
transaction (:meth:`~BatchedWrites._write_at_once`) or stages new nodes and their ties,
:attr:`~BatchedWrites.stage_workers` transactions at once, and publishes them with one
final transaction (:meth:`~BatchedWrites._write_staged`; the statements of the staged
part are :mod:`lacgraph.stores._neo4j_stage`). See :mod:`lacgraph.stores.neo4j` for when
each is used and why either is all or nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.errors import StoreError
from lacgraph.stores import _merge
from lacgraph.stores import _neo4j_stage as stage
from lacgraph.stores._graph_rows import (
    KIND_TYPE,
    NODE_LABEL,
    STAGED_LABEL,
    TYPE_LABEL,
    Statement,
    node_rows,
    tie_rows,
)
from lacgraph.stores._neo4j_bolt import BoltClient
from lacgraph.stores.base import Progress

__all__ = ["DELETE_STAGED", "MERGE_NODES", "MERGE_TIES", "PUBLISH_STAGED", "BatchedWrites"]

_ALL_TYPE_LABELS = ":".join(TYPE_LABEL.values())

# Write statements: one per allowlisted label or type, built here from the allowlist only.
MERGE_NODES: dict[str, str] = {
    t: (f"UNWIND $rows AS r MERGE (n:{NODE_LABEL} {{id: r.id}}) SET n = r "
        f"REMOVE n:{_ALL_TYPE_LABELS} SET n:{label}")
    for t, label in TYPE_LABEL.items()
}
MERGE_TIES: dict[str, str] = {
    k: (f"UNWIND $rows AS r MATCH (a:{NODE_LABEL} {{id: r.lo}}) "
        f"MATCH (b:{NODE_LABEL} {{id: r.hi}}) "
        f"MERGE (a)-[t:{rel} {{start: r.p.start}}]->(b) SET t = r.p")
    for k, rel in KIND_TYPE.items()
}
PUBLISH_STAGED = f"MATCH (n:{STAGED_LABEL}) REMOVE n:{STAGED_LABEL} SET n:{NODE_LABEL}"
DELETE_STAGED = (f"MATCH (n:{STAGED_LABEL}) "
                 "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")


class BatchedWrites(BoltClient):
    """A Bolt client that writes a planned change in batches (see the module notes)."""

    batch_size: int
    """Input rows per ``UNWIND`` batch (and per ``progress`` call)."""
    stage_workers: int
    """Staged batches written at once (each in its own transaction)."""

    def _write_at_once(self, plan: _merge.Plan, n_nodes: int, n_ties: int,
                       meta: list[Statement], progress: Progress | None, *,
                       first: list[Statement] | None = None,
                       verify: Callable[[Any], None] | None = None) -> None:
        """One transaction: ``verify(tx)`` (a load's check), ``first`` (e.g. deletions),
        every batch, then the meta node."""
        batches = [
            *self._batches(node_rows(plan.nodes_to_write), plan.node_positions, n_nodes,
                           MERGE_NODES, plan.nodes_to_write["type"].to_numpy(object)),
            *self._batches(tie_rows(plan.ties_to_write), plan.tie_positions, n_ties,
                           MERGE_TIES, plan.ties_to_write["kind"].to_numpy(object)),
        ]
        statements: list[Statement] = list(first or [])
        report: list[tuple[int, int]] = []  # (after statement i, input rows handled)
        for batch, handled in batches:
            statements += batch
            report.append((len(statements) - 1, handled))
        statements += meta
        if progress is not None:  # batches before the first statement changed nothing
            for _, handled in [r for r in report if r[0] < 0]:
                progress(handled)
        if not statements:
            return
        due: dict[int, list[int]] = {}
        for i, handled in report:
            if i >= 0:
                due.setdefault(i, []).append(handled)

        def after(i: int) -> None:
            if progress is not None:
                for handled in due.get(i, []):
                    progress(handled)

        self.transaction(statements, write=True, after=after, before=verify)

    def _write_staged(self, plan: _merge.Plan, visible: pd.Index, n_nodes: int, n_ties: int,
                      meta: list[Statement], progress: Progress | None, *,
                      verify: Callable[[Any], None] | None = None) -> None:
        """Stage new nodes and their ties batch by batch (as columns, see
        :mod:`lacgraph.stores._neo4j_stage`), then publish in one transaction, which
        first runs ``verify(tx)`` (a load's check, against what is stored then)."""
        self.run(DELETE_STAGED, autocommit=True)
        nodes, ties = plan.nodes_to_write, plan.ties_to_write
        new = ~nodes["id"].isin(visible).to_numpy()
        swap = (ties["source"] > ties["target"]).to_numpy(bool)
        lo = np.where(swap, ties["target"], ties["source"])
        hi = np.where(swap, ties["source"], ties["target"])
        lo_new = ~pd.Index(lo, dtype=object).isin(visible)
        hi_new = ~pd.Index(hi, dtype=object).isin(visible)
        staged = lo_new | hi_new
        new_at, old_at = np.flatnonzero(new), np.flatnonzero(~new)
        staged_at, visible_ties_at = np.flatnonzero(staged), np.flatnonzero(~staged)

        types = nodes["type"].to_numpy(object)
        staged_ids: list[str] = []
        elements: list[str] = []

        def node_batches() -> Iterator[tuple[list[Statement], int]]:
            for slices, handled in self._slices(plan.node_positions[new_at], n_nodes,
                                                types[new_at]):
                yield [(stage.STAGE_NODES[types[new_at[at[0]]]],
                        stage.node_columns(nodes, new_at[at])) for at in slices], handled

        for results, _ in self._staged(node_batches(), progress):
            for ids, element in (r[0] for r in results):
                staged_ids += ids
                elements += element

        element_of = pd.Series(elements, index=pd.Index(staged_ids, dtype=object), dtype=object)
        lo_ref = np.where(lo_new, element_of.reindex(lo).to_numpy(object), lo)
        hi_ref = np.where(hi_new, element_of.reindex(hi).to_numpy(object), hi)
        kinds = ties["kind"].to_numpy(object)

        def tie_batches() -> Iterator[tuple[list[Statement], int]]:
            for slices, handled in self._slices(plan.tie_positions[staged_at], n_ties,
                                                kinds[staged_at], lo_new[staged_at],
                                                hi_new[staged_at]):
                statements = []
                for at in slices:
                    rows = staged_at[at]
                    key = (kinds[rows[0]], bool(lo_new[rows[0]]), bool(hi_new[rows[0]]))
                    statements.append((stage.STAGE_TIES[key], stage.tie_columns(
                        ties, rows, lo_ref[rows], hi_ref[rows])))
                yield statements, handled

        for results, statements in self._staged(tie_batches(), progress):
            created = sum(int(r[0][0]) for r in results)
            expected = sum(len(p["lo"]) for _, p in statements)
            if created != expected:
                raise StoreError(f"A staged load lost {expected - created} of its ties: staged "
                                 "nodes vanished (was another load running?). Nothing of it "
                                 "is visible: load again")

        publish = [
            *self._batches(node_rows(nodes.iloc[old_at]), plan.node_positions[old_at], n_nodes,
                           MERGE_NODES, types[old_at]),
            *self._batches(tie_rows(ties.iloc[visible_ties_at]),
                           plan.tie_positions[visible_ties_at], n_ties,
                           MERGE_TIES, kinds[visible_ties_at]),
        ]
        self.transaction([*(s for batch, _ in publish for s in batch), (PUBLISH_STAGED, {}),
                          *meta], write=True, before=verify)

    def _staged(self, batches: Iterator[tuple[list[Statement], int]],
                progress: Progress | None
                ) -> Iterator[tuple[list[list[list[Any]]], list[Statement]]]:
        """Run each batch in a write transaction of its own, :attr:`stage_workers` at a
        time, and yield each one's results and statements in order (``progress`` too).

        Staged rows are invisible until published, so their order does not matter; if
        anything fails, the batches not yet started are cancelled and the error passes on.
        """
        def write(statements: list[Statement]) -> list[list[list[Any]]]:
            if not statements:
                return []
            work = self._work(statements)
            return self._in_session(lambda s: s.execute_write(work))

        with ThreadPoolExecutor(self.stage_workers, thread_name_prefix="lacgraph-stage") as pool:
            running: deque[tuple[Future[list[list[list[Any]]]], list[Statement], int]] = deque()
            try:
                for statements, handled in batches:
                    running.append((pool.submit(write, statements), statements, handled))
                    while len(running) > self.stage_workers:
                        yield self._finished(running.popleft(), progress)
                while running:
                    yield self._finished(running.popleft(), progress)
            finally:
                for future, _, _ in running:
                    future.cancel()

    @staticmethod
    def _finished(job: tuple[Future[list[list[list[Any]]]], list[Statement], int],
                  progress: Progress | None
                  ) -> tuple[list[list[list[Any]]], list[Statement]]:
        future, statements, handled = job
        results = future.result()
        if progress is not None:
            progress(handled)
        return results, statements

    def _slices(self, positions: np.ndarray, total: int, *keys: np.ndarray
                ) -> Iterator[tuple[list[np.ndarray], int]]:
        """For each ``batch_size`` slice of the input: the places (in ``positions``, the
        input positions of the rows, ascending) of its rows, split by equal ``keys``,
        and the number of input rows the slice covers."""
        codes = np.zeros(len(positions), dtype=np.int64)
        for key in keys:
            key_codes, uniques = pd.factorize(key)
            codes = codes * len(uniques) + key_codes
        for start in range(0, total, self.batch_size):
            stop = min(start + self.batch_size, total)
            first, last = np.searchsorted(positions, [start, stop])
            part = codes[first:last]
            yield ([first + np.flatnonzero(part == code) for code in np.unique(part)],
                   stop - start)

    def _batches(self, rows: list[dict[str, Any]], positions: np.ndarray, total: int,
                 queries: dict[str, str], keys: np.ndarray
                 ) -> Iterator[tuple[list[Statement], int]]:
        """Group the rows of each ``batch_size`` slice of the input by statement.

        ``positions`` are the rows' places in the input (ascending) and
        ``queries[keys[i]]`` the statement that writes row ``i``; each batch comes with
        the number of input rows its slice covers.
        """
        for slices, handled in self._slices(positions, total, keys):
            yield [(queries[keys[at[0]]], {"rows": [rows[i] for i in at]})
                   for at in slices], handled
