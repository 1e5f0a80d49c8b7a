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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lacgraph.analysis.measures import ego_measures
from lacgraph.analysis.snapshot import project
from lacgraph.analysis.wording import KIND_WORDS
from lacgraph.errors import NotFound
from lacgraph.i18n import DEFAULT, N_, _, check_language, long_date, translations, use_language
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
    """``2024-12-31`` as ``31 December 2024`` (GOV.UK style, in the current language);
    other text unchanged."""
    try:
        d = dt.date.fromisoformat(day)
    except (TypeError, ValueError):
        return day
    return long_date(d)


PAGE = Path(__file__).with_name("templates") / "subject.html"
"""The printable page (a Jinja template: every sentence a catalogue message)."""

CATEGORY_WORDS = {"natural": N_("natural"), "community": N_("community"), "paid": N_("paid")}
"""Each category of connection as staff say it (translated where it is shown)."""


def record_language(record: dict[str, Any], lang: str | None = None) -> str:
    """The language of a subject-access page: ``lang`` if given, else the person's own
    (node attribute ``language``: ``cy`` or ``en``), else English.

    Examples
    --------
    >>> record_language({"person": {"id": "a", "language": "cy"}}), record_language(
    ...     {"person": {"id": "a", "language": "cy"}}, "en"), record_language({"person": {}})
    ('cy', 'en', 'en')
    """
    if lang:
        return check_language(lang)
    try:
        return check_language(record["person"].get("language") or DEFAULT)
    except ValueError:
        return DEFAULT


def record_html(record: dict[str, Any], lang: str | None = None) -> str:
    """Render :func:`person_record` as one printable HTML page (every value escaped), in
    ``lang`` or the person's own language (:func:`record_language`). The JSON's and the
    details' field names stay as they are: they are for programs."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined,
                             extensions=["jinja2.ext.i18n"])
    language = record_language(record, lang)
    catalogue = translations(language)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=catalogue.gettext, ngettext=catalogue.ngettext, newstyle=True)
    person = record["person"]
    with use_language(language):
        return env.from_string(PAGE.read_text(encoding="utf-8")).render(
            r=record, long=_long, lang=language, kind_words=KIND_WORDS,
            category_words={k: _(v) for k, v in CATEGORY_WORDS.items()},
            name=person.get("label") or person["id"])
