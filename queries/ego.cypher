// A person's ego network at $at, as one row: the person (labels, properties) and a list of
// ties, each [type, properties, labels and properties of its start and of its end node]:
// every active tie between the person and an alter (joined by a non-household tie active
// at $at) or between two alters, and active household ties touching any of them. Each tie
// once (stored lo -> hi). No row when $person is not a node. Also the meta node's extra
// column order, so one round trip answers.
// Portable subset: no EXISTS {}, COUNT {}, temporal values or elementId.
MATCH (p:LacNode {id: $person})
OPTIONAL MATCH (p)-[t]-(a:LacNode)
WHERE type(t) <> 'HOUSEHOLD' AND t.start <= $at AND (t.end IS NULL OR $at < t.end)
WITH p, collect(DISTINCT a) + [p] AS members
CALL (members) {
  UNWIND members AS m
  MATCH (m)-[t]-(o:LacNode)
  WHERE t.start <= $at AND (t.end IS NULL OR $at < t.end)
    AND (type(t) = 'HOUSEHOLD' OR o IN members)
  WITH DISTINCT t
  RETURN collect([type(t), properties(t), labels(startNode(t)), properties(startNode(t)),
                  labels(endNode(t)), properties(endNode(t))]) AS ties
}
OPTIONAL MATCH (meta:LacgraphMeta {name: 'lacgraph'})
RETURN labels(p) AS labels, properties(p) AS node, ties,
       meta.node_columns AS node_columns, meta.tie_columns AS tie_columns
