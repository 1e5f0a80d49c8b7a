// The people living in one neighbourhood (ward); "" asks for those without one
// (an empty value is an absent property).
MATCH (n:LacNode:Person)
WHERE coalesce(n.neighbourhood, '') = $neighbourhood
RETURN labels(n) AS labels, properties(n) AS node
