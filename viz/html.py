"""The interactive circle of support: one offline HTML page built with pyvis / vis-network.

pyvis 0.3.2's own template is not safe for names: it writes the heading twice, the node ids
of its select menu, and (with the link template) popup titles into the page unescaped, and
it always links Bootstrap from a CDN. So pyvis only builds the nodes, edges and options
here, and this module writes the page itself:

* node ids are internal integers (0 the person, 1.. the alters), never names or real ids;
* labels and hover titles travel only inside one JSON block, with ``<``, ``>``, ``&`` and
  the JavaScript line separators escaped as ``\\uXXXX`` (so ``</script>`` cannot end the
  script); vis-network draws labels on a canvas and shows a string title with
  ``innerText``, so neither is ever read as markup;
* every other piece of text (heading, legend, the table of alters) goes through
  :func:`html.escape`;
* vis-network's JavaScript and CSS are inlined from the files bundled with pyvis: the page
  works offline and asks no server for anything;
* a Content-Security-Policy allows only the page's own two scripts (by SHA-256 hash) and no
  network access at all, as a second line of defence.

The layout is the same as the static picture (:func:`lacgraph.viz.circle.layout`): fixed
positions on the four rings, which are drawn on the canvas behind the network.

Examples
--------
>>> from lacgraph.network import Network
>>> from lacgraph.tables import Tables
>>> G = Network.from_tables(Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
...            {"id": "x", "type": "person", "label": "<b>Jo</b>"}],
...     ties=[{"source": "sam", "target": "x", "kind": "friend", "start": "2024-01-01"}]))
>>> page = circle_html(G, "sam", at="2024-02-01")
>>> "<b>Jo</b>" in page, "&lt;b&gt;Jo&lt;/b&gt;" in page, "<script src" in page
(False, True, False)
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from lacgraph.analysis.wording import KIND_WORDS
from lacgraph.i18n import N_, _, language
from lacgraph.tables import format_long_date
from lacgraph.viz.circle import CATEGORY_COLOURS, NEW_COLOUR, SECTORS, CircleData, circle_data
from lacgraph.viz.layout import circle_name

if TYPE_CHECKING:
    import os

    import pandas as pd

    from lacgraph.dated import DatedNetwork
    from lacgraph.privacy import Pseudonymiser
    from lacgraph.tables import DateLike

SCALE = 110
"""Pixels per ring unit of :func:`lacgraph.viz.circle.layout`."""

VIS_SHAPES = {"person": "dot", "group": "square", "service": "diamond",
              "coordinator": "triangle", "family": "hexagon"}

_JS_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
               "\u2029": "\\u2029"}


def script_json(value: object) -> str:
    """Return ``value`` as JSON that is safe to place inside an HTML ``<script>`` element.

    Examples
    --------
    >>> script_json({"label": "</script><b>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return "".join(_JS_ESCAPES.get(ch, ch) for ch in text)


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, as bundled with pyvis (read once)."""
    import pyvis

    folder = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    return ((folder / "vis-network.min.js").read_text(encoding="utf-8"),
            (folder / "vis-network.css").read_text(encoding="utf-8"))


def prepare() -> None:
    """Import pyvis and read vis-network's files now (about a second, once per process), so
    that the first interactive view a server shows does not wait for them."""
    from pyvis.network import Network as PyvisNetwork  # noqa: F401

    _vis_assets()


WORDS = {"natural": N_("natural"), "community": N_("community"), "paid": N_("paid"),
         "new": N_("new"), "gone": N_("gone")}
"""The data's words the view shows (categories, changes), for the catalogue."""


def _word(value: object) -> str:
    text = str(value)
    return _(WORDS[text]) if text in WORDS else text


def _kinds(text: object) -> str:
    """``;``-joined tie kinds in the words of the page ("friend, member of a group")."""
    return ", ".join(KIND_WORDS.get(k, k) for k in str(text).split(";") if k)


def _title(data: CircleData, k: int) -> str:
    row = data.alters.iloc[k]
    since = format_long_date(data.since) if data.since else ""
    circle = int(row["circle"])
    lines = [str(row["shown"]),
             _("%(category)s (%(kinds)s)", category=_word(row["category"]),
               kinds=_kinds(row["kind"])),
             _("circle %(number)d: %(name)s", number=circle, name=circle_name(circle)),
             _("since %(date)s", date=format_long_date(row["since"]) or row["since"])]
    if bool(row["reciprocal"]):
        lines.append(_("gives as well as receives"))
    if row["brokered_by"]:
        lines.append(_("introduced with a coordinator's help"))
    if row["status"] == "new":
        lines.append(_("new since %(date)s", date=since))
    elif row["status"] == "gone":
        lines.append(_("gone since %(date)s (ended: %(kinds)s)", date=since,
                       kinds=_kinds(row["ended"])))
    else:
        if row["added"]:
            lines.append(_("since %(date)s, began: %(kinds)s", date=since,
                           kinds=_kinds(row["added"])))
        if row["ended"]:
            lines.append(_("since %(date)s, ended: %(kinds)s", date=since,
                           kinds=_kinds(row["ended"])))
    return "\n".join(lines)


def _network(data: CircleData) -> tuple[list[dict], list[dict], dict]:
    """Build the nodes, edges and options with pyvis (ids are integers, never names)."""
    from pyvis.network import Network as PyvisNetwork

    net = PyvisNetwork(height="760px", width="100%", directed=False)
    net.add_node(0, label=data.person_label, title=data.person_label, x=0, y=0, fixed=True,
                 physics=False, shape="dot", size=24, color="#444444",
                 font={"size": 18, "face": "sans-serif", "strokeWidth": 4,
                       "strokeColor": "#ffffff", "vadjust": 4})
    alters = data.alters
    for k in range(len(alters)):
        row = alters.iloc[k]
        colour = CATEGORY_COLOURS[row["category"]]
        gone, new = row["status"] == "gone", row["status"] == "new"
        net.add_node(
            k + 1, label=str(row["shown"]), title=_title(data, k),
            x=float(row["x"]) * SCALE, y=-float(row["y"]) * SCALE, fixed=True, physics=False,
            shape=VIS_SHAPES.get(row["type"], "dot"), size=13,
            color={"background": "#ffffff" if gone else colour,
                   "border": NEW_COLOUR if new else colour},
            borderWidth=4 if new else 1.5, opacity=0.45 if gone else 1.0,
            font={"size": 13, "face": "sans-serif", "color": "#888888" if gone else "#111111",
                  "strokeWidth": 3, "strokeColor": "#ffffff"})
        net.add_edge(0, k + 1, color=NEW_COLOUR if new else "#cccccc" if gone else colour,
                     width=3 if new else 1.2, dashes=bool(gone))
    for i, j in data.pairs:
        net.add_edge(i + 1, j + 1, color="#c8c8c8", width=0.7)
    options = {
        "physics": {"enabled": False},
        "interaction": {"hover": True, "tooltipDelay": 120, "dragNodes": False,
                        "navigationButtons": False,
                        # arrow keys move, +/- zoom when the picture has the focus
                        "keyboard": {"enabled": True, "bindToWindow": False}},
        "edges": {"smooth": False},
        "nodes": {"labelHighlightBold": False},
    }
    nodes, edges, _heading, _height, _width, _options = net.get_network_data()
    return nodes, edges, options


def _legend(data: CircleData) -> str:
    items = [f'<li><span class="dot" style="background:{colour}"></span>'
             f"{html.escape(_word(name))}</li>"
             for name, colour in CATEGORY_COLOURS.items()]
    if data.since:
        since = format_long_date(data.since)
        new = html.escape(_("new since %(date)s", date=since))
        gone = html.escape(_("gone since %(date)s", date=since))
        items.append(f'<li><span class="dot ring" style="border-color:{NEW_COLOUR}"></span>'
                     f"{new}</li>")
        items.append(f'<li><span class="dot gone"></span>{gone}</li>')
    shapes = html.escape(_("circle person, square group, diamond service, triangle "
                           "coordinator"))
    return f'<ul class="legend">{"".join(items)}<li class="shapes">{shapes}</li></ul>'


def _table(data: CircleData) -> str:
    head = (_("Name"), _("Connection"), _("Kinds"), _("Circle"), _("Since"), _("Change"))
    rows = []
    for k in range(len(data.alters)):
        row = data.alters.iloc[k]
        cells = (row["shown"], _word(row["category"]), _kinds(row["kind"]),
                 f"{int(row['circle'])} {circle_name(int(row['circle']))}",
                 format_long_date(row["since"]) or row["since"],
                 "" if row["status"] == "kept" else _word(row["status"]))
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    if not rows:
        nobody = html.escape(_("No one in this circle of support yet."))
        rows.append(f'<tr><td colspan="{len(head)}">{nobody}</td></tr>')
    header = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in head)
    region = html.escape(_("The people and groups"))
    return (f'<div class="scroll" tabindex="0" role="region" aria-label="{region}">'
            f'<table id="alters"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


_PAGE_JS = """
(function () {
  var data = JSON.parse(document.getElementById("circle-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("circle");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, data.options);
  // the drawing takes the keyboard focus in page order: arrow keys move it, + and - zoom
  var drawing = container.querySelector(".vis-network");
  drawing.tabIndex = 0;
  drawing.setAttribute("role", "group");
  drawing.setAttribute("aria-label", data.drawingLabel);
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    data.sectors.forEach(function (s, i) {
      ctx.beginPath();
      ctx.moveTo(0, 0);
      ctx.arc(0, 0, data.outer, -s.start, -s.end, false);
      ctx.closePath();
      ctx.fillStyle = i % 2 ? "#ffffff" : "#f3f3f3";
      ctx.fill();
      var mid = -(s.start + s.end) / 2;
      ctx.fillStyle = "#555555";
      ctx.font = "italic 15px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText(s.name, Math.cos(mid) * (data.outer + 18), Math.sin(mid) * (data.outer + 18) + 5);
    });
    data.rings.forEach(function (r) {
      ctx.beginPath();
      ctx.arc(0, 0, r.radius, 0, 2 * Math.PI);
      ctx.strokeStyle = "#9a9a9a";
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.fillStyle = "#666666";
      ctx.font = "12px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText(r.name, 0, -r.radius - 4);
    });
    ctx.restore();
  });
  network.once("afterDrawing", function () {
    document.body.dataset.drawn = "yes";
    // tell the page that frames this view (if any) that it is drawn: it ends its loading
    // message then (a message without data from a sandboxed frame, so nothing leaks)
    if (window.parent !== window) { window.parent.postMessage("lacgraph-circle-drawn", "*"); }
  });
  var fitRings = function () {
    var half = Math.min(container.clientWidth, container.clientHeight) / 2;
    network.moveTo({position: {x: 0, y: 0}, scale: half / (data.outer + 40), animation: false});
  };
  fitRings();
  window.addEventListener("resize", fitRings);
  window.lacgraphCircle = {network: network, nodes: nodes};
})();
"""

_CSS = """
body { font-family: sans-serif; margin: 1.5em; color: #111; overflow-wrap: break-word; }
@media (max-width: 40em) { body { margin: .5em; } }
h1 { font-size: 1.4em; margin: 0 0 .2em; }
p.headline { font-size: 1.1em; margin: 0 0 .8em; }
#circle { width: 100%; height: 760px; border: 1px solid #ddd; }
#circle .vis-network:focus { outline: 3px solid #ffdd00; outline-offset: -3px; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1.2em; }
.dot { display: inline-block; width: .9em; height: .9em; border-radius: 50%;
       margin-right: .35em; vertical-align: -.1em; }
.dot.ring { border: 3px solid; width: .6em; height: .6em; }
.dot.gone { border: 1px dashed #505a5f; width: .8em; height: .8em; }
.shapes { color: #505a5f; }
table { border-collapse: collapse; margin-top: 1em; }
.scroll { max-width: 100%; overflow-x: auto; }
td, th { border-bottom: 1px solid #ddd; padding: .25em .8em; text-align: left; }
div.vis-tooltip { white-space: pre-line; font-family: sans-serif; }
"""


def _csp_hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def circle_html(
    G: DatedNetwork, person: str, at: DateLike | None = None, *, since: DateLike | None = None,
    pseudonymiser: Pseudonymiser | None = None,
) -> str:
    """Return a complete, offline HTML page with ``person``'s interactive circle of support.

    Same content as :func:`lacgraph.viz.circle.draw_circle` (``since`` highlights new
    alters and shows gone ones faded; ``pseudonymiser`` replaces every name), with hover
    details for each alter, a plain table of the alters below the picture, and the
    :func:`lacgraph.analysis.circle.timeline` table (folded away).

    Examples
    --------
    >>> from lacgraph.network import Network
    >>> from lacgraph.tables import Tables
    >>> G = Network.from_tables(Tables.from_records(
    ...     nodes=[{"id": "sam", "type": "person", "label": "Sam"}], ties=[]))
    >>> page = circle_html(G, "sam", at="2024-02-01")
    >>> page.startswith("<!DOCTYPE html>"), "No one in this circle of support yet" in page
    (True, True)
    """
    from lacgraph.analysis.circle import timeline

    data = circle_data(G, person, at, since=since, pseudonymiser=pseudonymiser)
    return render(data, timeline(G, person))


def _journey(journey: pd.DataFrame) -> str:
    if journey.empty:
        return ""
    columns = ("date", "size", "natural", "community", "paid", "added", "ended")
    words = (_("Date"), _("People and groups"), _("Natural"), _("Community"), _("Paid"),
             _("Connections started"), _("Connections ended"))
    header = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in words)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(format_long_date(v) if n == 0 else str(v))}</td>"
                         for n, v in enumerate(row)) + "</tr>"
        for row in journey[list(columns)].itertuples(index=False))
    summary = html.escape(_("How the circle changed: the people and groups on every date a "
                             "connection began or ended"))
    region = html.escape(_("How the circle changed"))
    return (f"<details><summary>{summary}</summary>"
            f'<div class="scroll" tabindex="0" role="region" '
            f'aria-label="{region}"><table id="journey"><thead><tr>{header}'
            f"</tr></thead><tbody>{rows}</tbody></table></div></details>")


def render(data: CircleData, journey: pd.DataFrame | None = None) -> str:
    """Return the page for already-gathered :class:`~lacgraph.viz.circle.CircleData`,
    with the :func:`lacgraph.analysis.circle.timeline` table ``journey`` below it when given."""
    nodes, edges, options = _network(data)
    radii = data.radii
    sectors = [{"name": _(name), "start": start, "end": end}
               for name, (start, end) in data.sectors.items()
               if start != end and name in SECTORS]
    payload = {
        "nodes": nodes, "edges": edges, "options": options,
        "rings": [{"radius": radii[r] * SCALE, "name": f"{r} {circle_name(r)}"}
                  for r in radii],
        "outer": (radii[4] + 0.45) * SCALE, "sectors": sectors,
        "drawingLabel": _("The circle drawn (the same people and groups as the table "
                          "below): arrow keys move it, + and - zoom"),
    }
    vis_js, vis_css = _vis_assets()
    csp = ("default-src 'none'; "
           f"script-src {_csp_hash(vis_js)} {_csp_hash(_PAGE_JS)}; "
           "style-src 'unsafe-inline'; img-src data:; font-src data:; "
           "connect-src 'none'; form-action 'none'; base-uri 'none'")
    title = _("%(name)s's circle of support on %(date)s", name=data.person_label,
              date=format_long_date(data.at))
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{language()}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(csp)}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{vis_css}</style>",
        f"<style>{_CSS}</style>",
        f"<script>{vis_js}</script>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="headline">{html.escape(data.headline)}</p>',
        _legend(data),
        '<div id="circle"></div>',
        _table(data),
        _journey(journey) if journey is not None else "",
        "</main>",
        f'<script type="application/json" id="circle-data">{script_json(payload)}</script>',
        f"<script>{_PAGE_JS}</script>",
        "</body>",
        "</html>",
        "",
    ])


def write_circle_html(G: DatedNetwork, person: str, path: str | os.PathLike[str],
                      at: DateLike | None = None, *, since: DateLike | None = None,
                      pseudonymiser: Pseudonymiser | None = None) -> None:
    """Write :func:`circle_html` to ``path`` (UTF-8)."""
    Path(path).write_text(circle_html(G, person, at, since=since, pseudonymiser=pseudonymiser),
                          encoding="utf-8")
