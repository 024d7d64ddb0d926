UNWIND $ids AS id
MATCH (e:Entity {id: id})
OPTIONAL MATCH (e)<-[m:MENTIONS]-(c:Chunk)
WITH e, m, c WHERE c IS NOT NULL AND m.start_offset = m.end_offset
RETURN DISTINCT e.id AS entity_id, c.id AS chunk_id
