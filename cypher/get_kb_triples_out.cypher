MATCH (a:Entity)-[r:RELATES]->(b:Entity) WHERE a.id IN $ids AND r.kind = $kind
RETURN a.id AS s, r.predicate AS predicate, b.id AS o
