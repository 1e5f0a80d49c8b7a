"""Macro calls kept once written: ``{{ keep(macro, args...) }}`` in a template.

A macro imported without the page's context (``{% from "x.html" import m %}``) writes the
same text for the same arguments in the same language, whoever asks and whatever the data.
The date boxes and the key under a circle picture are written for every person's page;
:func:`keep` writes each once per language and arguments and hands the same text to
every later page. Arguments that cannot be a key (a mapping of what was typed) are written
each time.

Examples
--------
>>> from markupsafe import Markup
>>> class Macro:  # a Jinja macro: a name, called with its arguments
...     name, calls = "boxes", 0
...     def __call__(self, *args):
...         Macro.calls += 1
...         return Markup("<b>{}</b>").format(args[0])
>>> [str(keep(Macro(), "a")) for _ in range(3)], Macro.calls
(['<b>a</b>', '<b>a</b>', '<b>a</b>'], 1)
>>> keep(Macro(), {"day": "1"}) and Macro.calls  # not a key: written again
2
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from lacgraph.i18n import language

KEPT = 256
"""How many macro calls are kept (least recently used first out)."""

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def keep(macro: Any, *args: Any) -> Any:
    """``macro(*args)``, written once per language, macro name and arguments."""
    key = (language(), macro.name, args)
    try:
        hash(key)
    except TypeError:  # e.g. the boxes as typed: written for this page only
        return macro(*args)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    text = macro(*args)
    with _lock:
        _kept[key] = text
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return text
