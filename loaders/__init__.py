"""Input formats -> validated :class:`~lacgraph.tables.Tables`.

A folder of CSV files (``nodes.csv``, ``ties.csv``) or one ``.xlsx`` workbook with the
sheets ``nodes`` and ``ties``. Every load is validated as a whole: any bad row raises one
:class:`~lacgraph.errors.InputError` listing every problem. Each problem's reason (what is
wrong, what was expected) is one whole message in the current language
(:mod:`lacgraph.i18n`): Welsh for a Welsh web request, English on the command line.

Examples
--------
>>> import pandas as pd
>>> T = parse_tables(pd.DataFrame({"id": ["a"], "type": ["person"]}),
...                  pd.DataFrame(columns=["source", "target", "kind", "start"]))
>>> len(T.nodes), len(T.ties)
(1, 0)
"""

from lacgraph.loaders.files import read_folder, read_source, read_workbook, write_folder
from lacgraph.loaders.validate import parse_tables

__all__ = ["parse_tables", "read_folder", "read_source", "read_workbook", "write_folder"]
