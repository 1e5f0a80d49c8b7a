// Every tie once (stored from its lower to its higher id), as one row of columns (lists
// in the same order); "" for an absent end or text, and the extra columns named in $extra.
MATCH (:LacNode)-[t]->(:LacNode)
RETURN collect(type(t)) AS kind,
       collect(t.source) AS source,
       collect(t.target) AS target,
       collect(t.start) AS start,
       collect(coalesce(t.end, '')) AS end,
       collect(t.circle) AS circle,
       collect(t.reciprocal) AS reciprocal,
       collect(coalesce(t.brokered_by, '')) AS brokered_by,
       collect(CASE WHEN size($extra) > 0 THEN [c IN $extra | coalesce(t[c], '')] END) AS extra
