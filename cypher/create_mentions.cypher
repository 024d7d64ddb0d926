UNWIND $rows AS r
MATCH (c:Chunk) WHERE c.id = r.chunk_id
MATCH (e:Entity) WHERE e.id = r.entity_id
CREATE (c)-[:MENTIONS {start_offset: r.start_offset, end_offset: r.end_offset, surface: r.surface}]->(e)
