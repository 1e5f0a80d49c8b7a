"""Subject access (UK GDPR Article 15): everything held about one person.

:func:`person_record` gathers, from a store and the web app's audit rows: the node with
every attribute, every tie past and present (dates, kind, category, circle, the other
end's name), who introduced them (``brokered_by``) and their coordinator, their measures
at the data's last date, and every audit entry about them. :func:`record_html` renders
the same content as one readable, printable HTML page (names escaped: data, never markup).

Examples
--------
>>> from lacgraph.stores import MemoryStore
>>> from lacgraph.tables import Tables
>>> store = MemoryStore()
>>> _ = store.write(Tables.from_records(
...     [{"id": "sam", "type": "person", "label": "Sam"},
...      {"id": "lee", "type": "coordinator", "label": "Lee"},
...      {"id": "ann", "type": "person", "label": "<b>Ann</b>"}],
...     [{"source": "sam", "target": "ann", "kind": "friend", "start": "2024-01-01",
...       "brokered_by": "lee"},
...      {"source": "sam", "target": "lee", "kind": "coordinator", "start": "2023-06-01",
...       "end": "2024-03-01"}]))
>>> r = person_record(store, "sam")
>>> [(t["other_label"], t["kind"], t["end"], t["introduced_by_label"]) for t in r["ties"]]
[('Lee', 'coordinator', '2024-03-01', ''), ('<b>Ann</b>', 'friend', '', 'Lee')]
>>> r["measures"]["natural"], r["measures_at"]
(1, '2024-03-01')
>>> "&lt;b&gt;Ann&lt;/b&gt;" in record_html(r), "<b>Ann</b>" in record_html(r)
(True, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis.measures import ego_measures
from lacgraph.analysis.snapshot import project
from lacgraph.errors import NotFound
from lacgraph.model import KIND_CATEGORY
from lacgraph.stores.base import Store
from lacgraph.tables import format_date

__all__ = ["AUDIT_FIELDS", "person_record", "record_html"]

AUDIT_FIELDS: tuple[str, ...] = ("seq", "at", "user", "role", "action", "target", "detail",
                                 "address")


def person_record(store: Store, person: str,
                  audit_rows: Iterable[Sequence[object]] = ()) -> dict[str, Any]:
    """Return everything ``store`` (and ``audit_rows``) hold about ``person`` as plain data.

    Parameters
    ----------
    store
        The store.
    person
        The node id.
    audit_rows
        The audit rows about the person (``AuditLog.audit_about``), columns
        :data:`AUDIT_FIELDS`.

    Returns
    -------
    dict
        ``person`` (every attribute), ``coordinator``, ``ties`` (past and present, oldest
        first), ``introduced_by``, ``measures_at`` and ``measures``, ``audit``.

    Raises
    ------
    NotFound
        When ``person`` is not a node.
    """
    tables = store.read()
    nodes, ties = tables.nodes, tables.ties
    row = nodes[nodes["id"] == person]
    if row.empty:
        raise NotFound(f"No node with id {person!r}")
    labels = dict(zip(nodes["id"], nodes["label"], strict=True))
    node = {col: _plain(v) for col, v in row.iloc[0].items()}
    touching = ties[(ties["source"] == person) | (ties["target"] == person)]
    touching = touching.sort_values(["start", "kind"], kind="stable")
    record_ties = []
    for tie in touching.to_dict("records"):
        other = tie["target"] if tie["source"] == person else tie["source"]
        broker = tie["brokered_by"]
        record_ties.append({
            "other_id": other, "other_label": labels.get(other, ""),
            "other_type": str(nodes.loc[nodes["id"] == other, "type"].iloc[0]),
            **{k: _plain(v) for k, v in tie.items()},
            "category": KIND_CATEGORY.get(tie["kind"], "household"),
            "introduced_by_label": labels.get(broker, "") if broker else "",
        })
    brokers = sorted({t["brokered_by"] for t in record_ties if t["brokered_by"]})
    at, measures = _measures(store, ties, person, str(node["type"]))
    return {
        "person": node,
        "coordinator": ({"id": node["coordinator"], "label": labels.get(node["coordinator"], "")}
                        if node.get("coordinator") else None),
        "ties": record_ties,
        "introduced_by": [{"id": b, "label": labels.get(b, "")} for b in brokers],
        "measures_at": at,
        "measures": measures,
        "audit": [dict(zip(AUDIT_FIELDS, r, strict=False)) for r in audit_rows],
    }


def _measures(store: Store, ties: pd.DataFrame, person: str, kind: str
              ) -> tuple[str, dict[str, Any] | None]:
    dates = pd.concat([ties["start"], ties["end"]]).dropna()
    if dates.empty or kind != "person":
        return "", None
    day = np.datetime64(dates.max(), "D")
    table = ego_measures(project(store.snapshot(day), day))
    row = table[table["id"] == person]
    if row.empty:
        return format_date(day), None
    return format_date(day), {k: _plain(v) for k, v in row.iloc[0].items()}


def _plain(value: object) -> object:
    """A JSON-ready value: dates as ISO text, numpy scalars as Python, NaN/NaT as ""."""
    if isinstance(value, (pd.Timestamp, np.datetime64, dt.date)):
        return format_date(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _long(day: str) -> str:
    """``2024-12-31`` as ``31 December 2024`` (GOV.UK style); other text unchanged."""
    try:
        d = dt.date.fromisoformat(day)
    except (TypeError, ValueError):
        return day
    return f"{d.day} {d:%B %Y}"


_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Information held about {{ name }}</title>
<style>
body { font-family: Arial, sans-serif; max-width: 60rem; margin: 1rem auto; padding: 0 1rem;
       line-height: 1.4; color: #0b0c0c; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { text-align: left; border-bottom: 1px solid #b1b4b6; padding: .4rem; vertical-align: top;
         overflow-wrap: anywhere; }
caption { text-align: left; font-weight: bold; margin-bottom: .4rem; }
@media print { body { max-width: none; } a { color: inherit; } }
</style></head><body><main>
<h1>Information held about {{ name }}</h1>
<p>Everything this programme's network records hold about this person{% if r.measures_at %},
with their network measures on {{ long(r.measures_at) }}{% endif %}.</p>
<h2>Their details</h2>
<table><tbody>
{% for key, value in r.person.items() %}<tr><th scope="row">{{ key }}</th>
<td>{{ long(value) if value is string else value }}</td></tr>
{% endfor %}
{% if r.coordinator %}<tr><th scope="row">Local Area Coordinator</th>
<td>{{ r.coordinator.label or r.coordinator.id }}</td></tr>{% endif %}
</tbody></table>
<h2>Connections, past and present</h2>
{% if r.ties %}<table><thead><tr><th>With</th><th>Kind</th><th>Circle</th><th>From</th>
<th>Until</th><th>Introduced by</th></tr></thead><tbody>
{% for t in r.ties %}<tr><td>{{ t.other_label or t.other_id }}</td>
<td>{{ t.kind }} ({{ t.category }})</td><td>{{ t.circle }}</td><td>{{ long(t.start) }}</td>
<td>{{ long(t.end) if t.end else "still connected" }}</td>
<td>{{ t.introduced_by_label or t.brokered_by }}</td></tr>
{% endfor %}</tbody></table>{% else %}<p>No connections are recorded.</p>{% endif %}
<h2>Network measures</h2>
{% if r.measures %}<table><tbody>
{% for key, value in r.measures.items() %}<tr><th scope="row">{{ key }}</th><td>{{ value }}</td>
</tr>{% endfor %}</tbody></table>{% else %}<p>None (measures are kept for people only).</p>
{% endif %}
<h2>Who looked at or downloaded their information</h2>
{% if r.audit %}<table><thead><tr><th>When (UTC)</th><th>Who</th><th>Role</th><th>What</th>
<th>Details</th></tr></thead><tbody>
{% for a in r.audit %}<tr><td>{{ a.at }}</td><td>{{ a.user }}</td><td>{{ a.role }}</td>
<td>{{ a.action }}</td><td>{{ a.detail }}</td></tr>
{% endfor %}</tbody></table>{% else %}<p>No one has viewed their information in the web app.</p>
{% endif %}
</main></body></html>
"""


def record_html(record: dict[str, Any]) -> str:
    """Render :func:`person_record` as one printable HTML page (every value escaped)."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    person = record["person"]
    return env.from_string(_PAGE).render(r=record, long=_long,
                                         name=person.get("label") or person["id"])
