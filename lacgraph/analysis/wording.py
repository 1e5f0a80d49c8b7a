"""What changed in a person's circle, in the sentences a coordinator would say.

The tables of :mod:`lacgraph.analysis.circle` are for analysis (``change``, ``kind``, ids); a
coordinator reading a page or a print-out wants "New: Mary Wright, friend, introduced by
Dafydd Phillips, 17 August 2024". This module turns a :func:`lacgraph.analysis.circle.changes` table
into those sentences, and names the words staff use for the model's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import numpy as np
import pandas as pd

from lacgraph.i18n import N_, _, language
from lacgraph.tables import format_long_date


class Words(Mapping[object, str]):
    """A table of the words staff use for the model's terms, read in the current language
    (each value is a catalogue message; looking one up translates it).

    Examples
    --------
    >>> KIND_WORDS["member"], dict(CIRCLE_WORDS)[4]
    ('member of a group', 'paid support')
    """

    def __init__(self, words: Mapping[object, str]):
        self._words = dict(words)

    def __getitem__(self, key: object) -> str:
        return _(self._words[key])

    def __iter__(self) -> Iterator[object]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


KIND_WORDS = Words({"family": N_("family"), "friend": N_("friend"),
                    "neighbour": N_("neighbour"), "peer": N_("peer"),
                    "member": N_("member of a group"), "volunteer": N_("volunteer"),
                    "service": N_("service"), "coordinator": N_("coordinator"),
                    "household": N_("household")})
"""How each tie kind reads in a sentence."""

CIRCLE_WORDS = Words({1: N_("closest"), 2: N_("friendship"), 3: N_("taking part"),
                      4: N_("paid support")})
"""Each circle's plain name (1 intimacy, 2 friendship, 3 participation, 4 exchange)."""


WELSH_VOWELS = frozenset("aeiouwyâêîôûŵŷáéíóúẃýàèìòùẁỳäëïöüẅÿ")


def names_list(names: list[str]) -> str:
    """Names joined as the language joins a list ("Ann and Bob"; "Ann a Bob", "Bob ac Ann").

    English follows Babel's CLDR list pattern. CLDR writes the Welsh "and" as "a(c)" (it
    is "ac" before a vowel, "a" before a consonant); here the right one is chosen from the
    first letter of the last name.

    Examples
    --------
    >>> names_list(["Ann", "Bob", "Cai"])
    'Ann, Bob and Cai'
    >>> from lacgraph.i18n import use_language
    >>> with use_language("cy"):
    ...     names_list(["Ann", "Bob"]), names_list(["Bob", "Cai", "Owain"])
    ('Ann a Bob', 'Bob, Cai ac Owain')
    """
    if len(names) < 2:  # no list to join (Babel would give the one name as it is)
        return str(names[0]) if names else ""
    if language() != "cy":
        from babel.lists import format_list

        return str(format_list(names, locale="en_GB"))
    last = names[-1]
    conjunction = "ac" if last[:1].lower() in WELSH_VOWELS else "a"
    return f"{', '.join(names[:-1])} {conjunction} {last}"


def change_sentences(changes: pd.DataFrame | list[dict], label_of: Callable[[str], str]
                     ) -> list[str]:
    """Return one sentence per row of a :func:`lacgraph.analysis.circle.changes` table (or
    its rows as dicts, :func:`lacgraph.analysis.circle.change_records`).

    ``label_of`` gives a name for an id (the coordinator who introduced the connection).
    A connection that started and ended inside the window reads "New and ended". Each
    sentence is one catalogue message, so the Welsh can put the words in its own order.

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
    rows = changes.to_dict("records") if isinstance(changes, pd.DataFrame) else changes
    for row in rows:
        values = {"name": str(row["label"] or row["id"]),
                  "kind": KIND_WORDS.get(str(row["kind"])) or str(row["kind"]),
                  "start": format_long_date(row["start"]), "end": format_long_date(row["end"])}
        brokers = [b for b in str(row["brokered_by"] or "").split(";") if b]
        values["introducer"] = names_list([label_of(b) or b for b in brokers])
        change = row["change"]
        introduced = bool(brokers) and change != "ended"
        if change == "added" and introduced:
            out.append(_("New: %(name)s, %(kind)s, introduced by %(introducer)s, %(start)s",
                         **values))
        elif change == "added":
            out.append(_("New: %(name)s, %(kind)s, %(start)s", **values))
        elif change == "ended":
            out.append(_("Ended: %(name)s, %(kind)s, %(end)s", **values))
        elif introduced:
            out.append(_("New and ended: %(name)s, %(kind)s, introduced by %(introducer)s, "
                         "%(start)s to %(end)s", **values))
        else:
            out.append(_("New and ended: %(name)s, %(kind)s, %(start)s to %(end)s", **values))
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
