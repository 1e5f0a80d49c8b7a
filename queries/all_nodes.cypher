// Every node, as one row of columns (lists in the same order): its type labels (of the
// allowlist $types: exactly one is expected), the fixed properties ("" or false when
// absent) and the values of the extra columns named in $extra.
MATCH (n:LacNode)
RETURN collect([l IN labels(n) WHERE l IN $types]) AS types,
       collect(n.id) AS id,
       collect(coalesce(n.label, '')) AS label,
       collect(coalesce(n.neighbourhood, '')) AS neighbourhood,
       collect(coalesce(n.supported, false)) AS supported,
       collect(coalesce(n.introduced_on, '')) AS introduced_on,
       collect(coalesce(n.coordinator, '')) AS coordinator,
       collect(CASE WHEN size($extra) > 0 THEN [c IN $extra | coalesce(n[c], '')] END) AS extra
