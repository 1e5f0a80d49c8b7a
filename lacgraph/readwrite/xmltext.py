"""Text that XML 1.0 can hold: checked before GraphML or GEXF is written, CR kept.

XML 1.0 cannot hold most C0 control characters (not even as ``&#0;``), nor U+FFFE, U+FFFF
or lone surrogates: a file holding one is refused by every reader (networkx, igraph,
Gephi). Loads refuse them already; a network built in Python could still hold one, so the
writers check every text cell and refuse to write, naming the node or tie and the column.
A reader turns a raw CR in element text into LF, so CR is written as ``&#13;``.

Examples
--------
>>> import pandas as pd
>>> check_xml_text(pd.DataFrame({"id": ["a"], "label": ["x\\x00"]}), "nodes", "id")
Traceback (most recent call last):
...
lacgraph.errors.InputError: 1 problem in the input:
  nodes: 'a': column label holds U+0000, which XML 1.0 cannot hold; expected printable text
>>> keep_cr(b"<data>a\\rb</data>")
b'<data>a&#13;b</data>'
"""

from __future__ import annotations

import re

import pandas as pd

from lacgraph.errors import InputError, Problem

__all__ = ["NOT_XML", "check_xml_text", "keep_cr"]

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold in any form."""


def check_xml_text(frame: pd.DataFrame, what: str, *key: str) -> None:
    """Raise one InputError naming every row and column with a character XML cannot hold.

    ``key`` names the columns that identify a row in the message (``id``, or ``source``
    and ``target``).
    """
    problems = []
    for column in frame.columns:
        values = frame[column]
        if not len(values) or not (values.dtype == object
                                   or pd.api.types.is_string_dtype(values.dtype)):
            continue
        text = values.astype(str)
        bad = text.str.contains(NOT_XML.pattern, regex=True).to_numpy(bool)
        for i in bad.nonzero()[0]:
            char = NOT_XML.search(text.iat[i])
            code = f"U+{ord(char.group()):04X}" if char else "a character"
            name = " - ".join(str(frame[k].iat[i]) for k in key)
            problems.append(Problem(what, 0, "", name, f"column {column} holds {code}, which "
                                    "XML 1.0 cannot hold; expected printable text"))
    if problems:
        raise InputError(problems)


def keep_cr(document: bytes) -> bytes:
    """Write every CR of a serialised XML document as ``&#13;`` (a reader keeps it then).

    The serialisers never write a CR of their own, so every CR is data.
    """
    return document.replace(b"\r", b"&#13;")
