"""Parts of a page rendered once with holes, filled in per request.

The record forms of a person's page are the same for every person but for a few values
(their addresses, the person's version, the request's tokens, the connections to choose
from). Rendering them once per language and day with a :func:`hole` for each of those
values, and filling the holes in with :func:`fill`, gives the same text as rendering them
for each request, at a fraction of the cost.

A hole is a pair of Unicode private-use characters around its name, which neither the
templates nor escaping produce. :func:`fill` replaces every hole in one pass, so a value
that happens to contain a hole's text is never read again.

Examples
--------
>>> text = f"<p>{hole('name')} & {hole('tag')}</p>"
>>> str(fill(text, {"name": "<Jo>", "tag": Markup("<b>x</b>")}))
'<p>&lt;Jo&gt; & <b>x</b></p>'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from markupsafe import Markup, escape

OPEN, CLOSE = "\ue000", "\ue001"
"""What a hole's name is written between (private-use characters: never in a template)."""

_HOLE = re.compile(f"{OPEN}([a-z_]+){CLOSE}")


def hole(name: str) -> Markup:
    """The text standing for the value ``name`` until :func:`fill` puts it in (markup, so
    that a template prints it as it is)."""
    return Markup(f"{OPEN}{name}{CLOSE}")


def fill(text: str, values: Mapping[str, object]) -> Markup:
    """``text`` with every hole replaced by its value: escaped, unless it is markup (as a
    template prints it). Every hole must have a value (KeyError otherwise).

    Examples
    --------
    >>> str(fill(hole("a") + hole("a"), {"a": "1"}))
    '11'
    >>> str(fill(hole("a"), {"a": hole("b")}))  # a value is not read for holes
    '\\ue000b\\ue001'
    """
    parts = _parts(str(text))
    out = list(parts)
    for k in range(1, len(parts), 2):  # odd places: the holes' names
        out[k] = escape(values[parts[k]])
    return Markup("".join(out))


@functools.lru_cache(maxsize=256)
def _parts(text: str) -> tuple[str, ...]:
    """``text`` cut at its holes: text, hole name, text, ..., text (a kept frame is cut
    once; a string keeps its hash, so finding it again costs little)."""
    return tuple(_HOLE.split(text))
