// The people living in one neighbourhood (ward).
MATCH (n:LacNode:Person)
WHERE n.neighbourhood = $neighbourhood
RETURN labels(n) AS labels, properties(n) AS node
