"""What changed in a person's circle, in the sentences a coordinator would say.

The tables of :mod:`lacgraph.analysis.circle` are for analysis (``change``, ``kind``, ids); a
coordinator reading a page or a print-out wants "New: Mary Wright, friend, introduced by
Dafydd Phillips, 17 August 2024". This module turns a :func:`lacgraph.analysis.circle.changes` table
into those sentences, and names the words staff use for the model's terms.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from lacgraph.tables import format_long_date

KIND_WORDS = {"family": "family", "friend": "friend", "neighbour": "neighbour",
              "peer": "peer", "member": "member of a group", "volunteer": "volunteer",
              "service": "service", "coordinator": "coordinator", "household": "household"}
"""How each tie kind reads in a sentence."""

CIRCLE_WORDS = {1: "closest", 2: "friendship", 3: "taking part", 4: "paid support"}
"""Each circle's plain name (1 intimacy, 2 friendship, 3 participation, 4 exchange)."""


def change_sentences(changes: pd.DataFrame, label_of: Callable[[str], str]) -> list[str]:
    """Return one sentence per row of a :func:`lacgraph.analysis.circle.changes` table.

    ``label_of`` gives a name for an id (the coordinator who introduced the connection).
    A connection that started and ended inside the window reads "New and ended".

    Examples
    --------
    >>> rows = pd.DataFrame({"change": ["added", "ended"], "id": ["m", "o"],
    ...     "label": ["Mary Wright", "Owain Bevan"], "kind": ["friend", "friend"],
    ...     "start": ["2024-08-17", "2023-01-01"], "end": ["", "2024-09-30"],
    ...     "brokered_by": ["c1", ""]})
    >>> for line in change_sentences(rows, {"c1": "Dafydd Phillips"}.get):
    ...     print(line)
    New: Mary Wright, friend, introduced by Dafydd Phillips, 17 August 2024
    Ended: Owain Bevan, friend, 30 September 2024
    """
    out = []
    for row in changes.itertuples(index=False):
        name = str(row.label or row.id)
        kind = KIND_WORDS.get(str(row.kind), str(row.kind))
        parts = [name, kind]
        brokers = [b for b in str(row.brokered_by or "").split(";") if b]
        if brokers and row.change != "ended":
            parts.append("introduced by " + " and ".join(label_of(b) or b for b in brokers))
        if row.change == "added":
            out.append("New: " + ", ".join([*parts, format_long_date(row.start)]))
        elif row.change == "ended":
            out.append("Ended: " + ", ".join([*parts, format_long_date(row.end)]))
        else:
            out.append("New and ended: " + ", ".join(
                [*parts, f"{format_long_date(row.start)} to {format_long_date(row.end)}"]))
    return out


def review_dates(text: object) -> list[np.datetime64]:
    """Return the review dates kept in a person's ``reviews`` attribute (``;``-joined ISO).

    Examples
    --------
    >>> review_dates("2024-05-01;2024-01-02")
    [np.datetime64('2024-01-02'), np.datetime64('2024-05-01')]
    >>> review_dates("")
    []
    """
    return sorted(np.datetime64(t, "D") for t in str(text or "").split(";") if t.strip())


def previous_review(text: object, before: np.datetime64) -> np.datetime64 | None:
    """Return the latest review in ``text`` strictly before ``before`` (else ``None``).

    Examples
    --------
    >>> previous_review("2024-01-02;2024-05-01", np.datetime64("2024-05-01"))
    np.datetime64('2024-01-02')
    >>> previous_review("", np.datetime64("2024-05-01")) is None
    True
    """
    day = np.asarray(before).astype("datetime64[D]")
    earlier = [d for d in review_dates(text) if d < day]
    return earlier[-1] if earlier else None
