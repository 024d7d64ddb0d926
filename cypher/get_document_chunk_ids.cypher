UNWIND $ids AS id
MATCH (d:Document)-[:HAS_CHUNK]->(c:Chunk) WHERE d.id = id
RETURN c.id AS id
