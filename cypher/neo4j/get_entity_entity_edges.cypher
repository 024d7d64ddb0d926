MATCH (a:Entity)-[r:RELATES]->(b:Entity) WHERE a.id IN $ids AND b.id IN $ids
RETURN a.id AS s, b.id AS o, sum(coalesce(r.weight, 1.0)) AS weight
