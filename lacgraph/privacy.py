"""Protecting people in outputs that leave the team: small-number suppression, pseudonyms.

Suppression follows NHS Digital's rule (DESIGN.md): 0 stays 0, 1-7 become ``"*"``, other
counts round to the nearest 5 (threshold and base configurable). Pseudonyms are a keyed
hash (HMAC-SHA256) of the id: stable for one key, unrelated across keys, and not
reversible without the key. The key comes from configuration (``LACGRAPH_PSEUDONYM_KEY``).

Examples
--------
>>> [suppress(n) for n in (0, 1, 7, 8, 12, 13, 100)]
[0, '*', '*', 10, 10, 15, 100]
>>> p = Pseudonymiser(b"team key")
>>> p("p000123") == p("p000123"), p("p000123") != Pseudonymiser(b"other")("p000123")
(True, True)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterable

import pandas as pd

from lacgraph.errors import QueryError

SUPPRESS_UP_TO = 7
ROUND_TO = 5
KEY_VARIABLE = "LACGRAPH_PSEUDONYM_KEY"


def suppress(count: int, *, up_to: int = SUPPRESS_UP_TO, base: int = ROUND_TO) -> int | str:
    """Return ``count`` as it may be shown outside the team.

    Examples
    --------
    >>> suppress(3), suppress(9), suppress(0)
    ('*', 10, 0)
    """
    count = int(count)
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    if count == 0:
        return 0
    if count <= up_to:
        return "*"
    return base * round(count / base)


def suppress_counts(
    frame: pd.DataFrame, columns: Iterable[str] | None = None, *,
    up_to: int = SUPPRESS_UP_TO, base: int = ROUND_TO,
) -> pd.DataFrame:
    """Return a copy of ``frame`` with every count column suppressed.

    ``columns`` defaults to every integer column. Suppressed columns become text-or-int
    (object) columns, since ``"*"`` is not a number.

    Examples
    --------
    >>> frame = pd.DataFrame({"ward": ["Castle", "Mayhill"], "isolated": [3, 42]})
    >>> suppress_counts(frame).to_dict("records")
    [{'ward': 'Castle', 'isolated': '*'}, {'ward': 'Mayhill', 'isolated': 40}]
    """
    out = frame.copy()
    chosen = list(columns) if columns is not None else [
        c for c in frame.columns if frame[c].dtype.kind in "iu"]
    for col in chosen:
        out[col] = [suppress(v, up_to=up_to, base=base) for v in frame[col]]
        out[col] = out[col].astype(object)
    return out


class Pseudonymiser:
    """Replace ids by stable keyed pseudonyms such as ``P-7K3QX9M2TA``.

    Examples
    --------
    >>> p = Pseudonymiser(b"k")
    >>> len(p("sam")), p("sam").startswith("P-")
    (12, True)
    """

    def __init__(self, key: bytes | str, prefix: str = "P-", length: int = 10):
        if not key:
            raise QueryError(
                f"Pseudonymising needs a key: set {KEY_VARIABLE} (a long random secret kept "
                "by the team; different keys give unrelated pseudonyms).")
        self.key = key.encode() if isinstance(key, str) else key
        self.prefix = prefix
        self.length = length

    @classmethod
    def from_environment(cls) -> Pseudonymiser:
        """Build one from the ``LACGRAPH_PSEUDONYM_KEY`` environment variable."""
        return cls(os.environ.get(KEY_VARIABLE, ""))

    def fingerprint(self) -> str:
        """A keyed digest of a fixed text: tells keys apart, and never reveals the key.

        A store keeps it at the key's first use (:meth:`lacgraph.stores.Store.check_key`)
        and refuses a load, erasure or import run with another key.

        Examples
        --------
        >>> Pseudonymiser(b"k").fingerprint() == Pseudonymiser(b"k").fingerprint()
        True
        >>> Pseudonymiser(b"k").fingerprint() == Pseudonymiser(b"other").fingerprint()
        False
        """
        return hmac.new(self.key, b"lacgraph pseudonym key check", hashlib.sha256
                        ).hexdigest()[:32]

    def __call__(self, node_id: str) -> str:
        digest = hmac.new(self.key, str(node_id).encode("utf-8"), hashlib.sha256).digest()
        return self.prefix + base64.b32encode(digest).decode("ascii")[: self.length]

    def frame(self, frame: pd.DataFrame, columns: Iterable[str] = ("id",),
              drop: Iterable[str] = ("label",)) -> pd.DataFrame:
        """Return ``frame`` with id columns pseudonymised and name columns dropped.

        Cells holding several ids joined by ``;`` are pseudonymised id by id.

        Examples
        --------
        >>> p = Pseudonymiser(b"k")
        >>> out = p.frame(pd.DataFrame({"id": ["a"], "label": ["Ann"], "size": [2]}))
        >>> list(out.columns), out.loc[0, "id"] == p("a")
        (['id', 'size'], True)
        """
        out = frame.drop(columns=[c for c in drop if c in frame.columns])
        for col in columns:
            if col in out.columns:
                out[col] = [";".join(self(part) for part in str(v).split(";")) if v != "" else ""
                            for v in out[col]]
        return out
