// Every node with its labels (one of them its type).
MATCH (n:LacNode)
RETURN labels(n) AS labels, properties(n) AS node
