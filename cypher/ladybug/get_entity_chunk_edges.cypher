UNWIND $ids AS id
MATCH (e:Entity {id: id})
OPTIONAL MATCH (e)<-[:MENTIONS]-(c:Chunk)
WITH e, c WHERE c IS NOT NULL
RETURN e.id AS entity_id, c.id AS chunk_id, count(*) AS mentions
