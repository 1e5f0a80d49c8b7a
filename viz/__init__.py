"""Pictures: the circle of support (static SVG/PNG and interactive HTML), households,
growth plots and cluster views. Names are escaped: a label is data, never markup.

May import: the core vocabulary, ``lacgraph.analysis`` and ``lacgraph.stores``. Never the
facade, ``lacgraph.web``, ``lacgraph.cli`` or ``lacgraph.report``
(``tests/unit/test_architecture.py`` holds it to this).
"""
