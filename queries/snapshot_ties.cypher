// The ties active at $at (start <= $at < end, a missing end never ends), each once.
// Dates are ISO strings, so the comparisons are string comparisons.
MATCH (:LacNode)-[t]->(:LacNode)
WHERE t.start <= $at AND (t.end IS NULL OR $at < t.end)
RETURN type(t) AS type, properties(t) AS tie
