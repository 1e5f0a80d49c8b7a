// A person's ego network at $at: the person, their alters (joined by a non-household tie
// active at $at), every active tie among them, and active household ties touching any of
// them. One row per tie (each tie once: stored lo -> hi); the person row comes separately.
// Portable subset: no EXISTS {}, COUNT {}, temporal values or elementId.
MATCH (p:LacNode {id: $person})
OPTIONAL MATCH (p)-[t]-(a:LacNode)
WHERE type(t) <> 'HOUSEHOLD' AND t.start <= $at AND (t.end IS NULL OR $at < t.end)
WITH p, collect(DISTINCT a) + [p] AS members
UNWIND members AS m
MATCH (m)-[t]-(o:LacNode)
WHERE t.start <= $at AND (t.end IS NULL OR $at < t.end)
  AND (type(t) = 'HOUSEHOLD' OR o IN members)
WITH DISTINCT t
RETURN type(t) AS type, properties(t) AS tie,
       labels(startNode(t)) AS x_labels, properties(startNode(t)) AS x,
       labels(endNode(t)) AS y_labels, properties(endNode(t)) AS y
