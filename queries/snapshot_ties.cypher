// The ties active at $at (start <= $at < end, a missing end never ends), each once, as
// one row of columns like ALL_TIES. Dates are ISO strings, compared as strings.
MATCH (:LacNode)-[t]->(:LacNode)
WHERE t.start <= $at AND (t.end IS NULL OR $at < t.end)
RETURN collect(type(t)) AS kind,
       collect(t.source) AS source,
       collect(t.target) AS target,
       collect(t.start) AS start,
       collect(coalesce(t.end, '')) AS end,
       collect(t.circle) AS circle,
       collect(t.reciprocal) AS reciprocal,
       collect(coalesce(t.brokered_by, '')) AS brokered_by,
       collect(CASE WHEN size($extra) > 0 THEN [c IN $extra | coalesce(t[c], '')] END) AS extra
