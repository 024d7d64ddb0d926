UNWIND $ids AS id
MATCH (d:Document)-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS]->(e:Entity) WHERE d.id = id
RETURN DISTINCT e.id AS id
