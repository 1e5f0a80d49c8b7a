"""The circle picture of a family: the household at the centre, the network they share.

The same rings and sectors as one person's circle (:mod:`lacgraph.viz.circle`): every
alter of the family's network sits on the ring of its closest circle over all the members'
connections, coloured by its closest category; the members are listed at the centre,
under a house-shaped marker. Names are drawn as plain text, never markup.

Examples
--------
>>> from lacgraph.analysis.families import family
>>> from lacgraph.tables import Tables
>>> T = Tables.from_records(
...     nodes=[{"id": "sam", "type": "person", "label": "Sam"},
...            {"id": "jo", "type": "person", "label": "Jo"},
...            {"id": "h", "type": "family"}, {"id": "gp", "type": "service", "label": "GP"}],
...     ties=[{"source": "sam", "target": "h", "kind": "household", "start": "2024-01-01"},
...           {"source": "jo", "target": "h", "kind": "household", "start": "2024-01-01"},
...           {"source": "jo", "target": "gp", "kind": "service", "start": "2024-01-01"}])
>>> fig = draw_family(family(T, "sam", "2024-02-01"))
>>> [t.get_text() for t in fig.texts if t.get_gid() == "fixed-headline"]
['2 living together; 1 person or group: 0 natural, 0 community, 1 paid']
>>> label_overlaps(fig)
[]
"""

from __future__ import annotations

import os

from matplotlib.figure import Figure

from lacgraph.analysis.families import Family
from lacgraph.viz.circle import draw_circle_data, save
from lacgraph.viz.labels import label_overlaps as label_overlaps  # re-exported
from lacgraph.viz.layout import family_data as family_data  # re-exported (no matplotlib)


def draw_family(F: Family, path: str | os.PathLike[str] | None = None) -> Figure:
    """Draw the family's circle of support; save it to ``path`` (``.png``/``.svg``) if given.

    Examples
    --------
    >>> from lacgraph.analysis.families import family
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(nodes=[{"id": "sam", "type": "person", "label": "<b>Sam</b>"}],
    ...                         ties=[])
    >>> fig = draw_family(family(T, "sam", "2024-01-01"))
    >>> fig.texts[0].get_text()
    "<b>Sam</b>'s household and its circle of support on 1 January 2024"
    """
    data, title, names = family_data(F)
    fig = draw_circle_data(data, title=title, centre=names)
    if path is not None:
        save(fig, path)
    return fig
