"""People's rights: erasure (:mod:`.erasure`) and subject access (:mod:`.subject`).

May import: the core vocabulary, ``lacgraph.analysis``, ``lacgraph.stores``,
``lacgraph.audit`` and ``lacgraph.loaders``. Never ``lacgraph.web``, ``lacgraph.cli`` or
``lacgraph.report`` (``tests/unit/test_architecture.py`` holds it to this).
"""
