"""Write the sample Network Canvas export in ``export/`` (run from anywhere; stdlib only).

A small synthetic study shaped like real exports (see README.md here):

* two protocols: "LAC networks" (Interviewer's exporter: no APP_VERSION/COMMIT_HASH) and
  "Community connections" (Fresco's exporter), both with a case called P001 - two people;
* two waves, January and July 2024; one July session finishes at 00:30 BST on 10 July
  (``sessionFinish`` 2024-07-09T23:30:00.000Z);
* one session only as GraphML (the others as CSV): the export mixes formats;
* edges from an alter to itself (a sociogram artefact) in four interviews;
* names spelt differently between waves: O'Brien/O’Brien, Siân Llŷr/Sian Llyr, Zoë/Zoe
  (one name key) and Catherine/Kathryn Jones (a candidate for review).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
OUT = HERE / "export"

A, B = "LAC networks", "Community connections"
FRESCO = ("APP_VERSION", "COMMIT_HASH")
RELATIONS = ("family", "friend", "neighbour")

# protocol, case, session, finish, ward, coordinator, people [(name, relation)],
# venues [name], edges [(name, name)], format
SESSIONS = [
    (A, "P001", "a1-0001", "2024-01-10T10:05:00.000Z", "Townhill", "lac1",
     [("Jo Bloggs", "friend"), ("Sam Patel", "neighbour"), ("Siân Llŷr", "family")],
     ["Choir"], [("Jo Bloggs", "Sam Patel"), ("Sam Patel", "Sam Patel")], "csv"),
    (A, "P001", "a1-0002", "2024-07-10T11:00:00.000Z", "Townhill", "lac1",
     [("Jo Bloggs", "friend"), ("Sian Llyr", "family"), ("Priya Shah", "friend")],
     ["Choir", "Walking group"], [("Priya Shah", "Jo Bloggs"), ("Jo Bloggs", "Jo Bloggs")],
     "csv"),
    (A, "P002", "a2-0001", "2024-01-12T09:30:00.000Z", "Mayhill", "lac1",
     [("Mary O'Brien", "friend"), ("Zoë Evans", "family"), ("Catherine Jones", "neighbour")],
     [], [("Zoë Evans", "Mary O'Brien")], "csv"),
    (A, "P002", "a2-0002", "2024-07-09T23:30:00.000Z", "Mayhill", "lac1",
     [("Mary O’Brien", "friend"), ("Zoe Evans", "family"), ("Kathryn Jones", "neighbour")],
     ["Lunch club"], [("Zoe Evans", "Mary O’Brien")], "csv"),
    (A, "P003", "a3-0001", "2024-01-15T14:00:00.000Z", "Townhill", "lac2",
     [("Dai Rees", "family"), ("Gwen Rees", "family")], [], [("Dai Rees", "Gwen Rees")],
     "csv"),
    (A, "P003", "a3-0002", "2024-07-16T14:00:00.000Z", "Townhill", "lac2",
     [("Dai Rees", "family"), ("Gwen Rees", "family"), ("Tom Hughes", "friend")], ["Choir"],
     [("Dai Rees", "Gwen Rees"), ("Tom Hughes", "Tom Hughes")], "graphml"),
    (B, "P001", "b1-0001", "2024-01-18T10:00:00.000Z", "Sketty", "lac2",
     [("Alex Khan", "friend"), ("Ben Ford", "neighbour")], [], [("Ben Ford", "Ben Ford")],
     "csv"),
    (B, "P001", "b1-0002", "2024-07-18T10:00:00.000Z", "Sketty", "lac2",
     [("Alex Khan", "friend"), ("Chris Lee", "friend")], ["Lunch club"],
     [("Chris Lee", "Alex Khan")], "csv"),
]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")  # as the exporters write
        writer.writerow(header)
        writer.writerows(rows)


def _csv(session: tuple) -> None:
    protocol, case, sid, finish, ward, coordinator, people, venues, edges, _ = session
    stem = OUT / protocol.replace(" ", "_") / f"{case}_{sid}"
    stem.parent.mkdir(parents=True, exist_ok=True)
    ego = f"ego-{sid}"
    fresco = protocol == B
    start = finish[:11] + "09:00:00.000Z" if finish[11:13] > "09" else finish
    header = ["networkCanvasEgoUUID", "networkCanvasCaseID", "networkCanvasSessionID",
              "networkCanvasProtocolName", "sessionStart", "sessionFinish", "sessionExported",
              *(FRESCO if fresco else ()), "ward", "coordinator"]
    row = [ego, case, sid, protocol, start, finish, "2024-08-01T12:00:00.000Z",
           *(("3.0.0", "a1b2c3d") if fresco else ()), ward, coordinator]
    _write(Path(f"{stem}_ego.csv"), header, [row])
    ids = {name: str(i) for i, (name, _) in enumerate(people, start=1)}
    _write(Path(f"{stem}_attributeList_Person.csv"),
           ["nodeID", "networkCanvasEgoUUID", "networkCanvasUUID", "name",
            *(f"relationship_{r}" for r in RELATIONS)],
           [[ids[n], ego, f"{sid}-n{ids[n]}", n, *(str(r == rel).lower() for r in RELATIONS)]
            for n, rel in people])
    if venues:
        _write(Path(f"{stem}_attributeList_Venue.csv"),
               ["nodeID", "networkCanvasEgoUUID", "networkCanvasUUID", "name"],
               [[str(len(people) + i), ego, f"{sid}-v{i}", v]
                for i, v in enumerate(venues, start=1)])
    _write(Path(f"{stem}_edgeList_knows.csv"),
           ["edgeID", "from", "to", "networkCanvasEgoUUID", "networkCanvasUUID",
            "networkCanvasSourceUUID", "networkCanvasTargetUUID"],
           [[str(i), ids[a], ids[b], ego, f"{sid}-e{i}", f"{sid}-n{ids[a]}", f"{sid}-n{ids[b]}"]
            for i, (a, b) in enumerate(edges, start=1)])


def _graphml(session: tuple) -> None:
    protocol, case, sid, finish, ward, coordinator, people, venues, edges, _ = session
    path = OUT / protocol.replace(" ", "_") / f"{case}_{sid}.graphml"
    ids = {name: str(i) for i, (name, _) in enumerate(people, start=1)}
    keys = "".join(f'<key id="rel-{r}" attr.name="relationship_{r}" attr.type="boolean" '
                   f'for="node"/>' for r in RELATIONS)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
             'xmlns:nc="http://schema.networkcanvas.com/xmlns">',
             '<key id="networkCanvasType" attr.name="networkCanvasType" attr.type="string" '
             'for="all"/>',
             '<key id="networkCanvasUUID" attr.name="networkCanvasUUID" attr.type="string" '
             'for="all"/>',
             '<key id="k-name" attr.name="name" attr.type="string" for="node"/>',
             '<key id="k-ward" attr.name="ward" attr.type="string" for="graph"/>',
             '<key id="k-coord" attr.name="coordinator" attr.type="string" for="graph"/>',
             keys,
             f'<graph edgedefault="undirected" nc:caseId={quoteattr(case)} '
             f'nc:sessionUUID={quoteattr(sid)} nc:protocolName={quoteattr(protocol)} '
             f'nc:sessionStartTime="{finish[:11]}09:00:00.000Z" '
             f'nc:sessionFinishTime="{finish}" '
             'nc:sessionExportTime="2024-08-01T12:00:00.000Z">',
             f'<data key="networkCanvasUUID">ego-{sid}</data>',
             f'<data key="k-ward">{escape(ward)}</data>',
             f'<data key="k-coord">{escape(coordinator)}</data>']
    for name, rel in people:
        flags = "".join(f'<data key="rel-{r}">{str(r == rel).lower()}</data>'
                        for r in RELATIONS)
        lines.append(f'<node id="{ids[name]}"><data key="networkCanvasUUID">{sid}-n'
                     f'{ids[name]}</data><data key="networkCanvasType">Person</data>'
                     f'<data key="k-name">{escape(name)}</data>{flags}</node>')
    for i, venue in enumerate(venues, start=1):
        lines.append(f'<node id="{len(people) + i}"><data key="networkCanvasUUID">{sid}-v{i}'
                     f'</data><data key="networkCanvasType">Venue</data>'
                     f'<data key="k-name">{escape(venue)}</data></node>')
    for i, (a, b) in enumerate(edges, start=1):
        lines.append(f'<edge id="{i}" source="{ids[a]}" target="{ids[b]}">'
                     f'<data key="networkCanvasType">knows</data></edge>')
    lines.append("</graph></graphml>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    for session in SESSIONS:
        (_graphml if session[-1] == "graphml" else _csv)(session)


if __name__ == "__main__":
    main()
