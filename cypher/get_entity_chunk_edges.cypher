MATCH (e:Entity)<-[:MENTIONS]-(c:Chunk) WHERE e.id IN $ids
RETURN e.id AS entity_id, c.id AS chunk_id, count(*) AS mentions
