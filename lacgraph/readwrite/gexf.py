"""The whole dated network as dynamic GEXF 1.3, for Gephi's timeline.

``<graph mode="dynamic" timeformat="date" defaultedgetype="undirected">``. GEXF 1.3 time
intervals are inclusive at both ends, while a lacgraph tie is no longer active on its
``end`` date, so a tie active from ``start`` until ``end`` becomes the spell
``[start, end - 1 day]`` (open-ended when the tie is still active).

* One ``<edge>`` per pair of nodes and tie kind (GEXF 1.3's ``kind`` attribute keeps
  parallel edges of different kinds apart); its ``<spells>`` are the days any tie of that
  kind joined the pair (overlapping or touching ties merged: Gephi refuses overlapping
  intervals). Attributes: ``kind``, ``category``, ``circle`` (the closest).
* Each ``<node>`` starts on the earlier of its ``introduced_on`` and its first tie, and
  ends when its last tie ends (no ``end`` while any tie is open, or with no ties at all).

Examples
--------
>>> import tempfile, networkx as nx
>>> T = Tables.from_records(nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01",
...            "end": "2024-03-01"},
...           {"source": "a", "target": "b", "kind": "friend", "start": "2024-06-01"}])
>>> G = nx.read_gexf(write_gexf(T, tempfile.mkdtemp() + "/n.gexf"))
>>> G.edges["a", "b"]["spells"]  # networkx shows an open end as 'None'
[('2024-01-01', '2024-02-29'), ('2024-06-01', 'None')]
"""

from __future__ import annotations

import datetime as dt
import io
import os
import xml.etree.ElementTree as ET  # noqa: S405 - used to write XML, never to parse it
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.model import HOUSEHOLD, KIND_CATEGORY
from lacgraph.privacy import Pseudonymiser
from lacgraph.readwrite.exports import node_view
from lacgraph.readwrite.xmltext import check_xml_text, keep_cr
from lacgraph.tables import Tables, to_day_numbers

__all__ = ["GEXF_NS", "spells", "write_gexf"]

GEXF_NS = "http://gexf.net/1.3"
OPEN = np.iinfo(np.int64).max
NODE_ATTRIBUTES = (("type", "string"), ("neighbourhood", "string"), ("supported", "boolean"),
                   ("introduced_on", "string"), ("coordinator", "string"))
EDGE_ATTRIBUTES = (("kind", "string"), ("category", "string"), ("circle", "integer"))


def spells(ties: pd.DataFrame) -> pd.DataFrame:
    """Return merged activity intervals per (source, target, kind), in day numbers.

    ``end`` is the first day no longer active (:data:`OPEN` when still active).

    Examples
    --------
    >>> T = Tables.from_records(nodes=[], ties=[
    ...     {"source": "b", "target": "a", "kind": "friend", "start": "2024-01-01", "end": "2024-02-01"},
    ...     {"source": "a", "target": "b", "kind": "friend", "start": "2024-02-01", "end": "2024-03-01"}])
    >>> s = spells(T.ties)
    >>> len(s), str(np.datetime64(int(s.loc[0, "start"]), "D")), str(np.datetime64(int(s.loc[0, "end"]), "D"))
    (1, '2024-01-01', '2024-03-01')
    """
    source, target = ties["source"].to_numpy(object), ties["target"].to_numpy(object)
    swap = source > target
    frame = pd.DataFrame({"source": np.where(swap, target, source),
                          "target": np.where(swap, source, target),
                          "kind": ties["kind"].to_numpy(),
                          "start": to_day_numbers(ties["start"]),
                          "end": to_day_numbers(ties["end"]),
                          "circle": ties["circle"].to_numpy(np.int64)})
    key = ["source", "target", "kind"]
    frame = frame.sort_values([*key, "start"], kind="stable").reset_index(drop=True)
    if frame.empty:
        return frame
    group = (frame[key] != frame[key].shift()).any(axis=1).cumsum().to_numpy()
    reach = pd.Series(frame["end"].to_numpy()).groupby(group).cummax().to_numpy()
    previous = np.r_[np.iinfo(np.int64).min, reach[:-1]]
    new_block = np.r_[True, group[1:] != group[:-1]] | (frame["start"].to_numpy() > previous)
    frame["block"] = np.cumsum(new_block)
    return frame.groupby("block", sort=False).agg(
        source=("source", "first"), target=("target", "first"), kind=("kind", "first"),
        start=("start", "min"), end=("end", "max"), circle=("circle", "min")
    ).reset_index(drop=True)


def _day(number: int) -> str:
    return str(np.datetime64(int(number), "D"))


def write_gexf(tables: Tables, path: str | os.PathLike[str], *,
               pseudonymiser: Pseudonymiser | None = None, suppress: bool = False) -> Path:
    """Write the dated network as dynamic GEXF 1.3 (see the module docstring)."""
    nodes = node_view(tables, pseudonymiser=pseudonymiser, suppress=suppress)
    ties = tables.ties
    if pseudonymiser is not None:
        ties = pseudonymiser.frame(ties, columns=("source", "target"), drop=())
    check_xml_text(nodes, "nodes", "id")
    check_xml_text(ties[["source", "target", "kind"]], "ties", "source", "target")
    merged = spells(ties)

    root = ET.Element("gexf", {"xmlns": GEXF_NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta", {"lastmodifieddate": dt.date.today().isoformat()})
    ET.SubElement(meta, "creator").text = "lacgraph"
    ET.SubElement(meta, "description").text = "A Local Area Coordination network over time"
    graph = ET.SubElement(root, "graph", {"mode": "dynamic", "defaultedgetype": "undirected",
                                          "timeformat": "date"})
    for cls, declared in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        block = ET.SubElement(graph, "attributes", {"class": cls, "mode": "static"})
        for name, kind in declared:
            ET.SubElement(block, "attribute", {"id": name, "title": name, "type": kind})

    # node lifetimes from their ties (vectorised), then the elements
    ends = pd.concat([merged[["source", "start", "end"]].rename(columns={"source": "id"}),
                      merged[["target", "start", "end"]].rename(columns={"target": "id"})])
    first_tie = ends.groupby("id")["start"].min()
    last_end = ends.groupby("id")["end"].max()
    introduced = to_day_numbers(tables.nodes["introduced_on"])
    introduced = pd.Series(np.where(introduced == OPEN, np.nan, introduced.astype(float)),
                           index=nodes["id"])
    starts = pd.concat([introduced, first_tie.astype(float).reindex(nodes["id"])], axis=1).min(
        axis=1)
    stops = last_end.reindex(nodes["id"]).astype(float)
    ended = (stops.notna() & (stops < float(OPEN))).to_numpy()  # no open tie
    xml_nodes = ET.SubElement(graph, "nodes")
    for i, record in enumerate(nodes.itertuples(index=False)):
        attrs = {"id": str(record.id), "label": str(record.label or record.id)}
        if not np.isnan(starts.iat[i]):
            attrs["start"] = _day(int(starts.iat[i]))
        if ended[i]:
            attrs["end"] = _day(int(stops.iat[i]) - 1)
        element = ET.SubElement(xml_nodes, "node", attrs)
        values = ET.SubElement(element, "attvalues")
        for name, kind in NODE_ATTRIBUTES:
            value = getattr(record, name)
            text = ("true" if value else "false") if kind == "boolean" else str(value)
            ET.SubElement(values, "attvalue", {"for": name, "value": text})

    xml_edges = ET.SubElement(graph, "edges")
    for n, ((source, target, kind), group) in enumerate(
            merged.groupby(["source", "target", "kind"], sort=True)):
        category = KIND_CATEGORY.get(str(kind), HOUSEHOLD)
        edge = ET.SubElement(xml_edges, "edge", {"id": f"e{n}", "source": str(source),
                                                 "target": str(target), "kind": str(kind)})
        values = ET.SubElement(edge, "attvalues")
        for name, value in (("kind", kind), ("category", category),
                            ("circle", int(group["circle"].min()))):
            ET.SubElement(values, "attvalue", {"for": name, "value": str(value)})
        xml_spells = ET.SubElement(edge, "spells")
        for start, end in zip(group["start"], group["end"], strict=True):
            spell = {"start": _day(start)}
            if int(end) != OPEN:
                spell["end"] = _day(int(end) - 1)
            ET.SubElement(xml_spells, "spell", spell)
    ET.indent(root)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="UTF-8", xml_declaration=True)
    path = Path(path)
    path.write_bytes(keep_cr(buffer.getvalue()))  # a CR stays a CR when read back
    return path
