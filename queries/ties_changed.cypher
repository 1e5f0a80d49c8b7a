// Ties that began (since < start <= at) or ended (since < end <= at) between two dates,
// optionally only those touching $person (null: everyone).
MATCH (x:LacNode)-[t]->(y:LacNode)
WHERE ($person IS NULL OR x.id = $person OR y.id = $person)
  AND ((t.start > $since AND t.start <= $at)
       OR (t.end IS NOT NULL AND t.end > $since AND t.end <= $at))
RETURN type(t) AS type, properties(t) AS tie
