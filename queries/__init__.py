"""Named questions asked of a graph database, each beside its in-memory twin.

Each ``.cypher`` file in this folder is one parameterised Cypher query (all values as
``$parameters``; labels and relationship types only from :mod:`lacgraph.model`'s
allowlist). :mod:`lacgraph.queries.cypher` loads them as constants;
:mod:`lacgraph.queries.memory` answers the same questions from :class:`~lacgraph.tables.Tables`,
and the tests check the two agree.
"""
