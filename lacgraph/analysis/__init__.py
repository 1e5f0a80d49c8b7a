"""Analysis: pure functions of tables and snapshots.

What lives here: the snapshot at a date (:mod:`.snapshot`), the measures (:mod:`.measures`),
growth and its cohort statistics (:mod:`.growth`, :mod:`.cohort`, with observations and
follow-up in :mod:`.observations`, clustering by coordinator in :mod:`.clustering`, survival
of new ties in :mod:`.survival`, waves in :mod:`.waves` and measures at many dates in
:mod:`.timeline`), isolated clusters and
neighbourhoods (:mod:`.clusters`, :mod:`.blocks`), connection suggestions
(:mod:`.suggestions`), households (:mod:`.families`), one person's circle and what changed
(:mod:`.circle`, :mod:`.person_view`, :mod:`.wording`) and finding a person by name
(:mod:`.lookup`).

May import: the core vocabulary (``lacgraph.model``, ``tables``, ``errors``, ``privacy``,
``dated``, ``output``), ``lacgraph.stores`` and ``lacgraph.queries``. Never the facade
(``lacgraph.network``), ``lacgraph.web``, ``lacgraph.cli``, ``lacgraph.report``,
``lacgraph.viz``, ``lacgraph.rights``, ``lacgraph.readwrite`` or ``lacgraph.audit``
(``tests/unit/test_architecture.py`` holds it to this).
"""
