MATCH (e:Entity)<-[m:MENTIONS]-(c:Chunk) WHERE e.id IN $ids AND m.start_offset = m.end_offset
RETURN DISTINCT e.id AS entity_id, c.id AS chunk_id
