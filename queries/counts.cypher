// Whether every relationship in the database joins two lacgraph nodes (no staged load,
// no other data), from the counts store (constant time): then the whole-graph tie reads
// may scan the relationship store instead of expanding every node. Also how many
// relationships there are.
CALL () { MATCH ()-[t]->() RETURN count(t) AS everything }
CALL () { MATCH (:LacNode)-[t]->() RETURN count(t) AS from_nodes }
CALL () { MATCH ()-[t]->(:LacNode) RETURN count(t) AS to_nodes }
RETURN everything = from_nodes AND everything = to_nodes AS only_lacgraph, everything AS ties
