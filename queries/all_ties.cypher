// Every tie, each once (stored from its lower to its higher id).
MATCH (:LacNode)-[t]->(:LacNode)
RETURN type(t) AS type, properties(t) AS tie
