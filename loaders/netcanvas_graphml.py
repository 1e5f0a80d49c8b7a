"""Read Network Canvas GraphML files into the same tables as the CSV files.

Each ``<graph>`` is one interview (the older exporter's "unify networks" option puts
several in one file). Its session is in ``nc:`` attributes (``nc:caseId``,
``nc:sessionUUID``, ``nc:protocolName``, ``nc:sessionStartTime``,
``nc:sessionFinishTime``, ``nc:sessionExportTime``), the ego's variables in ``<data>``
children of ``<graph>`` (``networkCanvasUUID`` is the ego's UUID). Each ``<node id=nodeID>``
carries ``networkCanvasUUID``, ``networkCanvasType`` and its variables; each ``<edge
source= target=>`` (node ids) also ``networkCanvasSourceUUID``/``networkCanvasTargetUUID``.
``<key>`` elements give each data key's variable name (``attr.name``): a categorical
option is ``name_option``, a layout ``name_X``/``name_Y`` (read as ``name_x``/``name_y``
like the CSV files). The columns are renamed to the CSV files' names, so one importer
reads both. XML is parsed by the standard library's SAX parser with external entities off
and any DOCTYPE refused (Network Canvas never writes one), so no entity is ever expanded.

Examples
--------
>>> from lacgraph.loaders.netcanvas_files import ExportFile
>>> xml = b'''<graphml xmlns="http://graphml.graphdrawing.org/xmlns"
...   xmlns:nc="http://schema.networkcanvas.com/xmlns">
... <key id="k1" attr.name="name" attr.type="string" for="node"/>
... <graph edgedefault="undirected" nc:caseId="P1" nc:sessionFinishTime="2024-01-05T10:00:00Z">
...  <data key="networkCanvasUUID">ego-1</data>
...  <node id="1"><data key="networkCanvasType">Person</data><data key="k1">Jo</data></node>
... </graph></graphml>'''
>>> found = read_graphml_files([ExportFile("s.graphml", xml)])
>>> found.egos[["networkCanvasCaseID", "sessionFinish"]].values.tolist()
[['P1', '2024-01-05T10:00:00Z']]
>>> found.alters[["@type", "nodeID", "name", "@line"]].values.tolist()
[['Person', '1', 'Jo', 6]]
"""

from __future__ import annotations

from pathlib import PurePosixPath
from xml.sax import SAXException, make_parser
from xml.sax.handler import (
    ContentHandler,
    LexicalHandler,
    feature_external_ges,
    feature_external_pes,
    feature_namespaces,
    property_lexical_handler,
)

import pandas as pd

from lacgraph.errors import InputError, Problem
from lacgraph.loaders.netcanvas_files import (
    EGO_UUID,
    META,
    NODE_UUID,
    SOURCE_UUID,
    TARGET_UUID,
    ExportFile,
    Interviews,
    plain_type,
)

__all__ = ["read_graphml_files"]

NC = "http://schema.networkcanvas.com/xmlns"
SESSION_ATTRIBUTES = {
    "caseId": "networkCanvasCaseID",
    "sessionUUID": "networkCanvasSessionID",
    "protocolName": "networkCanvasProtocolName",
    "sessionStartTime": "sessionStart",
    "sessionFinishTime": "sessionFinish",
    "sessionExportTime": "sessionExported",
}
"""``nc:`` attributes of ``<graph>`` -> the ego CSV file's column names."""

TYPE_KEY = "networkCanvasType"


def read_graphml_files(files: list[ExportFile]) -> Interviews:
    """Read every ``.graphml`` file of an export.

    Raises
    ------
    InputError
        A file that is not well-formed GraphML, or an element lacking what Network Canvas
        always writes (named by file, line and element).
    """
    problems: list[Problem] = []
    rows: dict[str, list[dict[str, object]]] = {"egos": [], "alters": [], "edges": []}
    for file in files:
        if PurePosixPath(file.name).suffix.lower() != ".graphml":
            continue
        handler = _Handler(file.name)
        parser = make_parser()
        parser.setFeature(feature_namespaces, True)
        parser.setFeature(feature_external_ges, False)
        parser.setFeature(feature_external_pes, False)
        parser.setProperty(property_lexical_handler, _NoDoctype())
        parser.setContentHandler(handler)
        try:
            with file.open() as stream:  # read as a stream, never whole
                parser.parse(stream)
        except SAXException as err:
            line = handler.line()
            problems.append(Problem(file.name, line, "", "", f"not readable GraphML ({err})"))
            continue
        problems += handler.problems
        for part in rows:
            rows[part] += handler.rows[part]
    if problems:
        raise InputError(problems)
    columns: dict[tuple[str, str], set[str]] = {}
    for part, records in rows.items():
        for record in records:
            columns.setdefault((part, str(record["@type"])), set()).update(record)
    return Interviews(_frame(rows["egos"]), _frame(rows["alters"]), _frame(rows["edges"]),
                      kind="graphml", columns=columns)


class _NoDoctype(LexicalHandler):
    """Refuses a DOCTYPE: GraphML from Network Canvas has none, and entities need one."""

    def startDTD(self, name: str, public_id: str | None, system_id: str | None) -> None:  # noqa: N802
        raise SAXException("a DOCTYPE is not allowed in a Network Canvas GraphML file")


def _frame(records: list[dict[str, object]]) -> pd.DataFrame:
    if not records:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in META})
    frame = pd.DataFrame.from_records(records)
    text = [c for c in frame.columns if c != "@line"]
    frame[text] = frame[text].fillna("").astype(object)
    return frame


class _Handler(ContentHandler):
    """Collects keys, graphs (interviews), nodes and edges with their line numbers."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file
        self.keys: dict[str, str] = {}
        self.builtin_label = True
        self.rows: dict[str, list[dict[str, object]]] = {"egos": [], "alters": [], "edges": []}
        self.problems: list[Problem] = []
        self.graph: dict[str, object] | None = None
        self.element: dict[str, object] | None = None
        self.data_key: str | None = None
        self.text: list[str] = []
        self.graphs = 0
        self._locator = None

    def setDocumentLocator(self, locator) -> None:  # noqa: N802 - SAX's name
        self._locator = locator

    def line(self) -> int:
        return int(self._locator.getLineNumber()) if self._locator is not None else 0

    def _attr(self, attrs, name: str, uri: str | None = None) -> str:
        value = attrs.get((uri, name))
        return "" if value is None else str(value)

    def startElementNS(self, name, qname, attrs) -> None:  # noqa: N802 - SAX's name
        _, local = name
        line = self.line()
        if local == "key":
            key_id = self._attr(attrs, "id")
            attr_name = self._attr(attrs, "attr.name") or key_id
            if key_id.endswith(("_X", "_Y")) and attr_name.endswith(("_X", "_Y")):
                attr_name = attr_name[:-1] + attr_name[-1].lower()  # layout, as in the CSV
            if attr_name == "label" and key_id != "label":
                self.builtin_label = False
            self.keys[key_id] = attr_name
        elif local == "graph":
            self.graphs += 1
            self.graph = {"@file": self.file, "@line": line, "@where": "<graph>", "@type": ""}
            for attribute, column in SESSION_ATTRIBUTES.items():
                self.graph[column] = self._attr(attrs, attribute, NC)
            self.graph["@key"] = f"{self.file}#graph{self.graphs}"
        elif local in ("node", "edge") and self.graph is not None:
            element_id = self._attr(attrs, "id")
            where = f'<{local} id="{element_id}">'
            self.element = {"@file": self.file, "@line": line, "@where": where, "@type": ""}
            if local == "node":
                self.element["nodeID"] = element_id
            else:
                self.element.update({"edgeID": element_id, "from": self._attr(attrs, "source"),
                                     "to": self._attr(attrs, "target")})
            self.element["@kind"] = local
        elif local == "data":
            self.data_key = self._attr(attrs, "key")
            self.text = []

    def characters(self, content: str) -> None:
        if self.data_key is not None:
            self.text.append(content)

    def endElementNS(self, name, qname) -> None:  # noqa: N802 - SAX's name
        _, local = name
        if local == "data" and self.data_key is not None:
            self._store(self.data_key, "".join(self.text))
            self.data_key = None
        elif local in ("node", "edge") and self.element is not None and self.graph is not None:
            element, self.element = self.element, None
            element[EGO_UUID] = self.graph.get(EGO_UUID) or self.graph["@key"]
            if local == "node":
                element.setdefault(NODE_UUID, f"{element[EGO_UUID]}:{element['nodeID']}")
            element.pop("@kind")
            if not element["@type"]:
                self.problems.append(Problem(self.file, int(str(element["@line"])), TYPE_KEY, "",
                                             f"{element['@where']} has no {TYPE_KEY} data; "
                                             "expected a Network Canvas GraphML export"))
            self.rows["alters" if local == "node" else "edges"].append(element)
        elif local == "graph" and self.graph is not None:
            graph, self.graph = self.graph, None
            if not graph.get(EGO_UUID):
                graph[EGO_UUID] = graph["@key"]
            for part in ("alters", "edges"):  # elements read before the ego's data
                for row in self.rows[part]:
                    if row.get(EGO_UUID) == graph["@key"]:
                        row[EGO_UUID] = graph[EGO_UUID]
            graph.pop("@key")
            self.rows["egos"].append(graph)

    def _store(self, key: str, value: str) -> None:
        target = self.element if self.element is not None else self.graph
        if target is None:
            return
        if key == TYPE_KEY:
            target["@type"] = plain_type(value)
            return
        if key == NODE_UUID and target is self.graph:
            column = EGO_UUID
        elif key in (NODE_UUID, SOURCE_UUID, TARGET_UUID):
            column = key
        elif key == "label":
            column = "label" if self.builtin_label else "@graphml_label"
        else:
            column = self.keys.get(key, key)
        target[column] = value
