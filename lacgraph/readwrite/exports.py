"""Send a programme where analysts work: GraphML (networkx, igraph, Gephi), egor's three files.

Every export takes validated :class:`~lacgraph.tables.Tables` (``Network.tables``):

* :func:`write_graphml` - the network *at* a date: every node, one edge per pair of nodes
  joined by an active tie (DESIGN's distinct-pair rule), attributes typed (``supported``
  and ``reciprocal`` boolean, ``circle`` int, the rest text, dates ``YYYY-MM-DD``).
* :func:`write_egor` - the supported people's ego networks at a date as three CSV files
  for R's ``egor::threefiles_to_egor(egos, alters, aaties)`` with its default ``ID.vars``
  (``egoID``, ``alterID``, ``Source``, ``Target``): ``egos.csv`` (one row per supported
  person, including those with no alters), ``alters.csv`` (one row per ego and alter, as
  :meth:`~lacgraph.network.Network.circle` counts them: household ties and family nodes
  left out) and ``aaties.csv`` (each pair of an ego's alters joined by an active tie).
* :func:`lacgraph.readwrite.gexf.write_gexf` - the whole dated network for Gephi's timeline.

:func:`lacgraph.readwrite.interchange.export` chooses among them by format name.

Outputs leaving the team are protected as other exports are: ``pseudonymiser`` replaces
every id by its keyed pseudonym and drops labels and any column beyond lacgraph's own;
``suppress`` replaces a neighbourhood or coordinator shared by 1-7 of the exported people
(:data:`lacgraph.privacy.SUPPRESS_UP_TO`) by ``"*"``, so no small group can be picked out.
The files are data for R, networkx and Gephi, written exactly (no spreadsheet escaping).

Examples
--------
>>> T = Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "supported": True}, {"id": "jo", "type": "person"},
...            {"id": "al", "type": "person"}],
...     ties=[{"source": "sam", "target": "jo", "kind": "friend", "start": "2024-01-01"},
...           {"source": "sam", "target": "al", "kind": "neighbour", "start": "2024-01-01"},
...           {"source": "jo", "target": "al", "kind": "peer", "start": "2024-02-01"}])
>>> egos, alters, aaties = egor_tables(T, "2024-03-01")
>>> alters[["egoID", "alterID", "kind"]].values.tolist()
[['sam', 'al', 'neighbour'], ['sam', 'jo', 'friend']]
>>> aaties[["egoID", "Source", "Target"]].values.tolist()
[['sam', 'al', 'jo']]
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd

from lacgraph.model import CATEGORIES, HOUSEHOLD, KIND_CATEGORY
from lacgraph.privacy import SUPPRESS_UP_TO, Pseudonymiser
from lacgraph.readwrite.xmltext import check_xml_text, keep_cr
from lacgraph.tables import NODE_COLUMNS, DateLike, Tables, active_mask, format_date, parse_day

__all__ = ["EGOR_FILES", "active_pairs", "egor_tables", "node_view", "write_egor",
           "write_graphml"]

EGOR_FILES: tuple[str, ...] = ("egos.csv", "alters.csv", "aaties.csv")
PAIR_COLUMNS: tuple[str, ...] = ("source", "target", "kind", "category", "circle", "since",
                                 "reciprocal", "brokered_by")

PathLike = str | os.PathLike[str]


def node_view(tables: Tables, *, pseudonymiser: Pseudonymiser | None = None,
              suppress: bool = False, up_to: int = SUPPRESS_UP_TO) -> pd.DataFrame:
    """Return the nodes as text-and-bool columns, pseudonymised and suppressed as asked.

    Examples
    --------
    >>> T = Tables.from_records(nodes=[{"id": "a", "type": "person", "neighbourhood": "Elm"}],
    ...                         ties=[])
    >>> node_view(T, suppress=True)[["id", "neighbourhood"]].values.tolist()
    [['a', '*']]
    """
    nodes = tables.nodes.copy()
    nodes["introduced_on"] = nodes["introduced_on"].map(format_date)
    nodes["supported"] = nodes["supported"].astype(bool)
    if pseudonymiser is not None:
        nodes = nodes[list(NODE_COLUMNS)].assign(label="")
        nodes = pseudonymiser.frame(nodes, columns=("id", "coordinator"), drop=())
    if suppress:
        for column in ("neighbourhood", "coordinator"):
            values = nodes[column]
            sizes = values.map(values.value_counts())
            small = values.ne("") & (sizes <= up_to)
            nodes[column] = values.where(~small, "*")
    return nodes.reset_index(drop=True)


def active_pairs(tables: Tables, at: DateLike, *, household: bool = True,
                 pseudonymiser: Pseudonymiser | None = None) -> pd.DataFrame:
    """Return one row per pair of nodes joined by a tie active at ``at``.

    ``kind`` lists the active kinds (``;``), ``category`` and ``circle`` are the closest,
    ``since`` the earliest start, ``reciprocal`` whether any is, ``brokered_by`` the
    coordinators (``;``). ``source`` < ``target``. Household ties are kept (category
    ``household``) unless ``household`` is False.

    Examples
    --------
    >>> T = Tables.from_records(nodes=[{"id": "a", "type": "person"}, {"id": "b", "type": "person"}],
    ...     ties=[{"source": "b", "target": "a", "kind": "friend", "start": "2024-01-01"},
    ...           {"source": "a", "target": "b", "kind": "peer", "start": "2024-02-01"}])
    >>> active_pairs(T, "2024-03-01")[["source", "target", "kind", "circle", "since"]].values.tolist()
    [['a', 'b', 'friend;peer', 2, '2024-01-01']]
    """
    ties = tables.ties[active_mask(tables.ties, at)]
    if not household:
        ties = ties[ties["kind"] != HOUSEHOLD]
    if pseudonymiser is not None:
        ties = pseudonymiser.frame(ties, columns=("source", "target", "brokered_by"), drop=())
    if ties.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in PAIR_COLUMNS})
    source, target = ties["source"].to_numpy(object), ties["target"].to_numpy(object)
    swap = source > target
    ranks = {kind: CATEGORIES.index(category) for kind, category in KIND_CATEGORY.items()}
    rank = ties["kind"].map(ranks).fillna(len(CATEGORIES)).astype(np.int64)
    frame = pd.DataFrame({"source": np.where(swap, target, source),
                          "target": np.where(swap, source, target),
                          "kind": ties["kind"].to_numpy(), "rank": rank.to_numpy(),
                          "circle": ties["circle"].to_numpy(np.int64),
                          "start": ties["start"].to_numpy(),
                          "reciprocal": ties["reciprocal"].to_numpy(bool),
                          "brokered_by": ties["brokered_by"].to_numpy()})
    grouped = frame.groupby(["source", "target"], sort=True)
    pairs = pd.DataFrame({
        "kind": grouped["kind"].agg(lambda k: ";".join(sorted(set(k)))),
        "category": grouped["rank"].min().map(lambda r: (CATEGORIES + (HOUSEHOLD,))[r]),
        "circle": grouped["circle"].min().astype(np.int64),
        "since": grouped["start"].min().map(format_date),
        "reciprocal": grouped["reciprocal"].any().astype(bool),
        "brokered_by": grouped["brokered_by"].agg(lambda b: ";".join(sorted({x for x in b if x}))),
    }).reset_index()
    return pairs[list(PAIR_COLUMNS)]


def write_graphml(tables: Tables, path: PathLike, at: DateLike, *,
                  pseudonymiser: Pseudonymiser | None = None, suppress: bool = False) -> Path:
    """Write the network at ``at`` as GraphML with typed attributes (see the module docstring).

    Examples
    --------
    >>> import tempfile, networkx as nx
    >>> T = Tables.from_records(nodes=[{"id": "a", "type": "person", "supported": True},
    ...                                {"id": "b", "type": "person"}],
    ...     ties=[{"source": "a", "target": "b", "kind": "friend", "start": "2024-01-01"}])
    >>> path = write_graphml(T, tempfile.mkdtemp() + "/net.graphml", "2024-02-01")
    >>> G = nx.read_graphml(path)
    >>> G.nodes["a"]["supported"], G.edges["a", "b"]["circle"], G.edges["a", "b"]["kind"]
    (True, 2, 'friend')
    """
    import networkx as nx

    nodes = node_view(tables, pseudonymiser=pseudonymiser, suppress=suppress)
    pairs = active_pairs(tables, at, pseudonymiser=pseudonymiser)
    G = nx.Graph(at=format_date(parse_day(at)))
    attributes = nodes.drop(columns="id").astype(object).map(_plain).to_dict("records")
    G.add_nodes_from(zip(nodes["id"], attributes, strict=True))
    edge_data = pairs.drop(columns=["source", "target"]).astype(object).map(_plain)
    G.add_edges_from(zip(pairs["source"], pairs["target"], edge_data.to_dict("records"),
                         strict=True))
    check_xml_text(nodes, "nodes", "id")
    check_xml_text(pairs, "ties", "source", "target")
    buffer = io.BytesIO()
    nx.write_graphml(G, buffer, named_key_ids=True)
    path = Path(path)
    path.write_bytes(keep_cr(buffer.getvalue()))  # a CR stays a CR when read back
    return path


def _plain(value: object) -> object:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return "" if value is None else str(value)


def egor_tables(tables: Tables, at: DateLike, *, pseudonymiser: Pseudonymiser | None = None,
                suppress: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return the egor egos, alters and alter-alter ties of the supported people at ``at``."""
    from scipy import sparse

    nodes = node_view(tables, pseudonymiser=pseudonymiser, suppress=suppress)
    pairs = active_pairs(tables, at, household=False, pseudonymiser=pseudonymiser)
    family = set(nodes.loc[nodes["type"] == "family", "id"])
    pairs = pairs[~pairs["source"].isin(family) & ~pairs["target"].isin(family)]
    ego_nodes = nodes[nodes["supported"] & (nodes["type"] == "person")]
    egos = ego_nodes.rename(columns={"id": "egoID"}).sort_values("egoID").reset_index(drop=True)

    both = pd.concat([pairs, pairs.rename(columns={"source": "target", "target": "source"})],
                     ignore_index=True)
    info = nodes.set_index("id")[["type", "label"]]
    alters = both[both["source"].isin(egos["egoID"])].rename(
        columns={"source": "egoID", "target": "alterID"})
    alters = alters.join(info, on="alterID")
    alters = alters[["egoID", "alterID", "type", "label", "kind", "category", "circle", "since",
                     "reciprocal", "brokered_by"]]
    alters = alters.sort_values(["egoID", "alterID"]).reset_index(drop=True)

    index = pd.Index(nodes["id"])
    n = len(index)
    u = index.get_indexer(pairs["source"])
    v = index.get_indexer(pairs["target"])
    adjacency = sparse.csr_matrix((np.ones(2 * len(u)), (np.r_[u, v], np.r_[v, u])), shape=(n, n))
    ego_index = index.get_indexer(egos["egoID"])
    to_egos = adjacency[:, ego_index].tocsr()
    common = to_egos[u].multiply(to_egos[v]).tocoo()  # pair k, ego j: both ends are j's alters
    aaties = pd.DataFrame({
        "egoID": egos["egoID"].to_numpy()[common.col],
        "Source": pairs["source"].to_numpy()[common.row],
        "Target": pairs["target"].to_numpy()[common.row],
        "kind": pairs["kind"].to_numpy()[common.row],
        "category": pairs["category"].to_numpy()[common.row],
        "circle": pairs["circle"].to_numpy()[common.row],
    }).sort_values(["egoID", "Source", "Target"]).reset_index(drop=True)
    return egos, alters, aaties


def write_egor(tables: Tables, folder: PathLike, at: DateLike, *,
               pseudonymiser: Pseudonymiser | None = None, suppress: bool = False) -> Path:
    """Write ``egos.csv``, ``alters.csv`` and ``aaties.csv`` into ``folder``.

    In R: ``egor::threefiles_to_egor(egos = read.csv("egos.csv"), alters.df =
    read.csv("alters.csv"), edges = read.csv("aaties.csv"))``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = egor_tables(tables, at, pseudonymiser=pseudonymiser, suppress=suppress)
    for name, frame in zip(EGOR_FILES, frames, strict=True):
        out = frame.copy()
        for column in out.columns:
            if out[column].dtype == bool:
                out[column] = np.where(out[column].to_numpy(), "TRUE", "FALSE")
        out.to_csv(folder / name, index=False, encoding="utf-8", lineterminator="\n")
    return folder
