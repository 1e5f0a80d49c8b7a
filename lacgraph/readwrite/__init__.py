"""Formats we write for analysts, beside what reads them back: GraphML and egor
(:mod:`.exports`), dynamic GEXF (:mod:`.gexf`), one entry point by format name
(:mod:`.interchange`) and the manager tables fit to leave the team
(:mod:`.clusters_export`). Input formats are read and validated in ``lacgraph.loaders``.

May import: the core vocabulary and ``lacgraph.analysis``. Never ``lacgraph.web``,
``lacgraph.cli``, ``lacgraph.report`` or ``lacgraph.rights``
(``tests/unit/test_architecture.py`` holds it to this).
"""
