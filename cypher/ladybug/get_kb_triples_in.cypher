UNWIND $ids AS id
MATCH (b:Entity {id: id})
OPTIONAL MATCH (b)<-[r:RELATES]-(a:Entity)
WITH a, r, b WHERE a IS NOT NULL AND r.kind = $kind
RETURN a.id AS s, r.predicate AS predicate, b.id AS o
