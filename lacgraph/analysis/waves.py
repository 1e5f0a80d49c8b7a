"""Waves: each supported person's measures at fixed months after their introduction.

:func:`waves` gives the long table (one row per person per wave); balanced by default (the
same people at every wave), the unbalanced view on request. :func:`wave_summary` compares
each wave with the first. Re-exported by :mod:`lacgraph.analysis.growth`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis.cohort import statistics
from lacgraph.analysis.timeline import _Ties, add_months
from lacgraph.dated import DatedNetwork
from lacgraph.errors import QueryError
from lacgraph.model import AT_RISK_THRESHOLD
from lacgraph.tables import DateLike, format_date

__all__ = ["wave_summary", "waves"]


def waves(G: DatedNetwork, months: Iterable[int] = (0, 6, 12), as_of: DateLike | None = None, *,
          balanced: bool = True, at_risk_below: int = AT_RISK_THRESHOLD) -> pd.DataFrame:
    """Return each supported person's measures at each wave, in long format.

    Balanced (the default): only the people whose every wave has happened by ``as_of``,
    so each wave compares the same people. ``balanced=False`` is the unbalanced view: one
    row per person per wave that has happened by ``as_of`` (later waves hold fewer
    people, who joined earlier: differences between waves then mix change with who is
    counted). Columns: ``id, neighbourhood, coordinator, wave`` (months since
    introduction), ``date``, ``natural_community``, every measure and ``view``
    (``balanced`` or ``unbalanced``) — ready for a mixed model (``wave`` as time, ``id``
    as the group). Waves read the records as they stand (records assumed current).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "a", "type": "person", "supported": True,
    ...             "introduced_on": "2024-01-15"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-03-01"}]))
    >>> waves(G, (0, 6, 12), as_of="2024-08-01", balanced=False)[
    ...     ["id", "wave", "date", "natural_community"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'id': 'a', 'wave': 0, 'date': '2024-01-15', 'natural_community': 0},
     {'id': 'a', 'wave': 6, 'date': '2024-07-15', 'natural_community': 1}]
    >>> len(waves(G, (0, 6, 12), as_of="2024-08-01"))  # balanced: a's 12 months not yet
    0
    """
    months = sorted({int(m) for m in months})
    if not months or months[0] < 0:
        raise QueryError(f"waves are months since introduction (0 or more), not {months}")
    last = G.resolve_date(as_of)
    nodes = G.tables.nodes
    supported = nodes[nodes["supported"].to_numpy(bool) & nodes["introduced_on"].notna()
                      & (nodes["type"] == "person")].sort_values("id")
    intro = supported["introduced_on"].to_numpy("datetime64[D]")
    every = add_months(intro, months[-1]) <= last  # the last wave is the latest date
    frames = []
    for m in months:
        date = add_months(intro, m)
        on = every if balanced else date <= last
        frames.append(pd.DataFrame({
            "id": supported["id"].to_numpy(object)[on],
            "neighbourhood": supported["neighbourhood"].to_numpy(object)[on],
            "coordinator": supported["coordinator"].to_numpy(object)[on],
            "wave": m, "day": date[on]}))
    table = pd.concat(frames, ignore_index=True).sort_values(["id", "wave"], kind="stable")
    table = table.reset_index(drop=True)
    M = _Ties(G.tables, around=table["id"].to_numpy(object)).measures(
        table["id"].to_numpy(object),
                                 table["day"].to_numpy("datetime64[D]"), at_risk_below)
    table["date"] = [format_date(d) for d in table.pop("day")]
    table["natural_community"] = (M["natural"] + M["community"]).to_numpy(np.int64)
    return pd.concat([table, M], axis=1).assign(view="balanced" if balanced else "unbalanced")


def wave_summary(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Compare each wave of a :func:`waves` table with the first (baseline) wave.

    For each later wave: the people seen at both, and the statistics of the change in
    natural + community alters (the same as :meth:`Growth.summary`, without retention).

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["a", "a", "b", "b"], "wave": [0, 6, 0, 6],
    ...                   "natural_community": [0, 2, 1, 1]})
    >>> [(w["wave"], w["n"], w["mean_change"]) for w in wave_summary(t)]
    [(6, 2, 1.0)]
    """
    if table.empty:
        return []
    first = int(table["wave"].min())
    base = table[table["wave"] == first].set_index("id")["natural_community"]
    out = []
    for w in sorted(int(x) for x in table["wave"].unique() if x != first):
        rows = table[table["wave"] == w].set_index("id")
        change = (rows["natural_community"] - base.reindex(rows.index))
        both = change.notna().to_numpy()
        clusters = (rows["coordinator"].fillna("").to_numpy(object)[both]
                    if "coordinator" in rows else None)
        no_ties = pd.DataFrame({"tie": [], "due": [], "lasted": []})
        stats_ = statistics(change.to_numpy(np.float64)[both], 0, no_ties, clusters=clusters)
        view = {"view": str(table["view"].iloc[0])} if "view" in table else {}
        out.append({"wave": w, "baseline_wave": first, **view,
                    **{k: v for k, v in stats_.items()
                       if k not in ("not_yet_due", "retention", "retention_n")
                       and not k.startswith("retention_km")}})
    return out
