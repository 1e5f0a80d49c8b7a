"""Validate an update (an upload of some rows) as the whole programme it would make.

An update names nodes by ``id`` and ties by their two ends, kind and start. Its rows are
laid over the rows already loaded, as text: a column the update does not have keeps the
stored value (an update with only ``id,type,label`` changes only those), a new id gets
empty cells there. The merged programme is then validated exactly as a whole load
(:func:`~lacgraph.loaders.validate.validate`), so an update that makes a stored row
invalid (a coordinator node changed into a group while 59 people still name it) is
refused, naming those rows too. A person's review dates (``reviews``) add up: an update's
dates join the stored ones, so a review recorded in the web app is never lost to an upload.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from lacgraph.tables import Tables
>>> stored = Tables.from_records(
...     [{"id": "c1", "type": "coordinator"},
...      {"id": "p1", "type": "person", "neighbourhood": "North", "coordinator": "c1"}], [])
>>> upload = pd.DataFrame({"id": ["p1"], "type": ["person"], "label": ["Pat"]})
>>> ties = pd.DataFrame(columns=["source", "target", "kind", "start"])
>>> T = merge_update(stored, (upload, ties, "nodes.csv", "ties.csv", np.array([2]),
...                           np.array([], dtype=np.int64)))
>>> T.nodes.set_index("id").loc["p1", ["label", "neighbourhood", "coordinator"]].tolist()
['Pat', 'North', 'c1']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.i18n import _
from lacgraph.loaders.files import Cells
from lacgraph.loaders.observations import join_dates
from lacgraph.loaders.validate import NODE_REQUIRED, TIE_REQUIRED, _missing_columns, validate
from lacgraph.tables import Tables

__all__ = ["merge_update"]

STORED = 1 << 40
"""Line numbers from here on mark rows already loaded (row ``STORED + i``)."""


def merge_update(stored: Tables, cells: Cells) -> Tables:
    """Return the programme ``stored`` updated by ``cells``, validated as a whole load.

    Raises
    ------
    InputError
        Every problem of the merged programme: rows of the update by file and line; rows
        already loaded (which the update made invalid) as ``loaded nodes``/``loaded ties``
        with the row's id or ends.
    """
    nodes, ties, nodes_file, ties_file, node_lines, tie_lines = cells
    problems = (_missing_columns(nodes, NODE_REQUIRED, nodes_file)
                + _missing_columns(ties, TIE_REQUIRED, ties_file))
    if problems:
        raise InputError(problems)
    old_nodes, old_ties = stored.to_text()
    merged_nodes, n_lines = _overlay(old_nodes, nodes, node_lines, _node_keys)
    merged_ties, t_lines = _overlay(old_ties, ties, tie_lines, _tie_keys)
    try:
        return validate(merged_nodes, merged_ties, nodes_file, ties_file, n_lines, t_lines)
    except InputError as err:
        raise InputError([_where(p, nodes_file, ties_file, merged_nodes, merged_ties,
                                 n_lines, t_lines) for p in err.problems]) from None


def _node_keys(frame: pd.DataFrame) -> pd.Index:
    return pd.Index(frame["id"].to_numpy(object))


def _tie_keys(frame: pd.DataFrame) -> pd.MultiIndex:
    source = frame["source"].to_numpy(object)
    target = frame["target"].to_numpy(object)
    swap = np.asarray(source > target, dtype=bool) if len(frame) else np.zeros(0, bool)
    return pd.MultiIndex.from_arrays([
        pd.Index(np.where(swap, target, source), dtype=object),
        pd.Index(np.where(swap, source, target), dtype=object),
        pd.Index(frame["kind"].to_numpy(object), dtype=object),
        pd.Index(frame["start"].to_numpy(object), dtype=object)])


def _overlay(old: pd.DataFrame, new: pd.DataFrame, lines: np.ndarray, keys
             ) -> tuple[pd.DataFrame, np.ndarray]:
    """Stored rows the update does not name, then the update's rows with the columns it
    lacks taken from the stored row of the same key (empty for a new key)."""
    old_keys, new_keys = keys(old), keys(new)
    pos = old_keys.get_indexer_for(new_keys) if len(old) else np.full(len(new), -1)
    if len(pos) != len(new):  # a key stored twice cannot happen; be safe
        pos = np.array([old_keys.get_loc(k) if k in old_keys else -1 for k in new_keys])
    found = pos >= 0
    filled = {}
    for col in [*old.columns, *[c for c in new.columns if c not in old.columns]]:
        if col in new.columns:
            filled[col] = new[col].to_numpy(object)
            if col == "reviews" and col in old.columns and len(old):  # review dates add up
                stored = old[col].to_numpy(object)[np.where(found, pos, 0)]
                filled[col] = np.array([join_dates(a, b) if f else b for a, b, f in zip(
                    stored, filled[col], found, strict=True)], dtype=object)
        else:
            stored = old[col].to_numpy(object)
            filled[col] = np.where(found, stored[np.where(found, pos, 0)] if len(old) else "",
                                   "")
    incoming = pd.DataFrame(filled, index=pd.RangeIndex(len(new)), dtype=object)
    keep = ~old_keys.isin(new_keys) if len(old) else np.zeros(0, bool)
    kept = old[keep].reindex(columns=incoming.columns, fill_value="").astype(object)
    merged = pd.concat([kept, incoming], ignore_index=True)
    merged_lines = np.concatenate([STORED + np.flatnonzero(keep), np.asarray(lines, np.int64)])
    return merged, merged_lines


def _where(problem: Problem, nodes_file: str, ties_file: str, nodes: pd.DataFrame,
           ties: pd.DataFrame, node_lines: np.ndarray, tie_lines: np.ndarray) -> Problem:
    """A problem in a stored row, said as such (with the row's id or ends)."""
    if problem.line < STORED:
        return problem
    if problem.file == nodes_file:
        row = nodes.iloc[int(np.flatnonzero(node_lines == problem.line)[0])]
        return Problem(_("loaded nodes"), 0, problem.column, problem.value, _(
            "%(reason)s (node %(id)s, already loaded: the update makes it invalid)",
            reason=problem.reason, id=repr(row["id"])))
    row = ties.iloc[int(np.flatnonzero(tie_lines == problem.line)[0])]
    return Problem(_("loaded ties"), 0, problem.column, problem.value, _(
        "%(reason)s (tie %(source)s-%(target)s %(kind)s %(start)s, already loaded: the update "
        "makes it invalid)", reason=problem.reason, source=repr(row["source"]),
        target=repr(row["target"]), kind=row["kind"], start=row["start"]))
