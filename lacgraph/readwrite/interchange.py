"""One entry point for the exports: :func:`export` by format name (``lacgraph export``).

Examples
--------
>>> import tempfile
>>> T = Tables.from_records(nodes=[{"id": "a", "type": "person"}], ties=[])
>>> export(T, "gexf", tempfile.mkdtemp() + "/a.gexf").suffix
'.gexf'
>>> export(T, "graphml", "x.graphml")
Traceback (most recent call last):
...
ValueError: the graphml export is the network at a date: give at
"""

from __future__ import annotations

import os
from pathlib import Path

from lacgraph.privacy import Pseudonymiser
from lacgraph.readwrite.exports import write_egor, write_graphml
from lacgraph.readwrite.gexf import write_gexf
from lacgraph.tables import DateLike, Tables

__all__ = ["FORMATS", "export"]

FORMATS: tuple[str, ...] = ("graphml", "gexf", "egor")


def export(tables: Tables, fmt: str, path: str | os.PathLike[str], at: DateLike | None = None,
           *, pseudonymiser: Pseudonymiser | None = None, suppress: bool = False) -> Path:
    """Write ``tables`` in ``fmt`` (``graphml``, ``gexf`` or ``egor``) to ``path``.

    ``at`` is needed by graphml and egor (the GEXF holds every date and ignores it).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if fmt == "gexf":
        return write_gexf(tables, path, pseudonymiser=pseudonymiser, suppress=suppress)
    if at is None:
        raise ValueError(f"the {fmt} export is the network at a date: give at")
    writer = write_graphml if fmt == "graphml" else write_egor
    return writer(tables, path, at, pseudonymiser=pseudonymiser, suppress=suppress)
