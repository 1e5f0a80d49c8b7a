"""Names compared as staff read them: one normal form for finding and for duplicates.

:func:`normalise_name` is the key both the record forms' finder
(:mod:`lacgraph.web.finder`) and ``lacgraph find-duplicates``
(:mod:`lacgraph.analysis.duplicates`) compare names by, so "Zoë O’Brien", "zoe o'brien"
and "ZOE  O'BRIEN" are one name everywhere.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u0060\u00b4\u2032\uff07"
"""Characters typed or pasted for an apostrophe (’ ‘ ʼ ʹ ` ´ ′ ＇), all read as ``'``."""
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """A name's comparison key: NFKD, combining marks removed, apostrophes unified, case
    folded, runs of spaces made one.

    Examples
    --------
    >>> normalise_name("Zoë  O’Brien") == normalise_name("ZOE O'BRIEN") == "zoe o'brien"
    True
    >>> normalise_name("Siân Ŵyn")
    'sian wyn'
    """
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", _APOSTROPHE.sub("'", bare)).strip().casefold()


def normalised_names(labels: pd.Series) -> pd.Series:
    """:func:`normalise_name` of every label (missing labels as "").

    Examples
    --------
    >>> normalised_names(pd.Series(["Siân", None])).tolist()
    ['sian', '']
    """
    return labels.fillna("").astype(str).map(normalise_name)
