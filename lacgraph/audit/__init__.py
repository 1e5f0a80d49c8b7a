"""The chained audit log: who did what to whom, when (the CLI and the web app both write it).

May import: the core vocabulary (``lacgraph.errors``, ``lacgraph.output``). Never
``lacgraph.web``, ``lacgraph.cli``, ``lacgraph.report``, ``lacgraph.analysis`` or the facade
(``tests/unit/test_architecture.py`` holds it to this).
"""
