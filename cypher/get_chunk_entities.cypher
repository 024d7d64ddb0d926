MATCH (c:Chunk)-[:MENTIONS]->(e:Entity) WHERE c.id IN $ids
RETURN c.id AS chunk_id, collect(DISTINCT e.id) AS entity_ids
