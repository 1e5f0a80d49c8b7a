"""The circle picture of a family: the household at the centre, the network they share.

The same rings and sectors as one person's circle (:mod:`lacgraph.viz.circle`): every
alter of the family's network sits on the ring of its closest circle over all the members'
connections, coloured by its closest category; the members are listed at the centre,
under a house-shaped marker. Names are drawn as plain text, never markup.

Examples
--------
>>> from lacgraph.families import family
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

from lacgraph.circle import headline
from lacgraph.families import Family
from lacgraph.tables import format_date
from lacgraph.viz.circle import CircleData, draw_circle_data, layout, save
from lacgraph.viz.labels import label_overlaps as label_overlaps  # re-exported


def family_data(F: Family) -> tuple[CircleData, str, tuple[str, ...]]:
    """Gather what the family picture shows: the circle data, the title, the members' names.

    Examples
    --------
    >>> from lacgraph.families import family
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(nodes=[{"id": "sam", "type": "person", "label": "Sam"}],
    ...                         ties=[])
    >>> data, title, names = family_data(family(T, "sam", "2024-01-01"))
    >>> title, names
    ("Sam's household and its circle of support on 2024-01-01", ('Sam',))
    """
    alters = F.alters.copy()
    alters["status"] = "kept"
    alters["added"] = ""
    alters["ended"] = ""
    alters["shown"] = [str(lab) or str(i) for lab, i in zip(alters["label"], alters["id"],
                                                             strict=True)]
    alters = layout(alters.reset_index(drop=True))
    position = {a: i for i, a in enumerate(alters["id"])}
    pairs = sorted({tuple(sorted((position[a], position[b])))
                    for a, b in zip(F.links["source"], F.links["target"], strict=True)})
    names = [str(lab) or str(i) for lab, i in zip(F.members["label"], F.members["id"],
                                                   strict=True)]
    person_label = names[F.members["id"].tolist().index(F.person)]
    at = format_date(F.at)
    data = CircleData(
        person=F.person, person_label=person_label, at=at, since=None, alters=alters,
        pairs=pairs, headline=f"{len(names)} living together; {headline(alters)}")
    return data, f"{person_label}'s household and its circle of support on {at}", tuple(names)


def draw_family(F: Family, path: str | os.PathLike[str] | None = None) -> Figure:
    """Draw the family's circle of support; save it to ``path`` (``.png``/``.svg``) if given.

    Examples
    --------
    >>> from lacgraph.families import family
    >>> from lacgraph.tables import Tables
    >>> T = Tables.from_records(nodes=[{"id": "sam", "type": "person", "label": "<b>Sam</b>"}],
    ...                         ties=[])
    >>> fig = draw_family(family(T, "sam", "2024-01-01"))
    >>> fig.texts[0].get_text()
    "<b>Sam</b>'s household and its circle of support on 2024-01-01"
    """
    data, title, names = family_data(F)
    fig = draw_circle_data(data, title=title, centre=names)
    if path is not None:
        save(fig, path)
    return fig
