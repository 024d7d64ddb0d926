UNWIND $ids AS id
MATCH (a:Entity {id: id})
OPTIONAL MATCH (a)-[r:RELATES]->(b:Entity)
WITH a, r, b WHERE b IS NOT NULL AND r.kind = $kind
RETURN a.id AS s, r.predicate AS predicate, b.id AS o
