MATCH (c:Chunk)-[m:MENTIONS]->(e:Entity) WHERE e.id IN $ids AND m.start_offset = m.end_offset
RETURN DISTINCT e.id AS entity_id, c.id AS chunk_id
