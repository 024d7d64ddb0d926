UNWIND $ids AS id
MATCH (d:Document {id: id})
OPTIONAL MATCH (d)-[:HAS_CHUNK]->(c:Chunk)
WITH c WHERE c IS NOT NULL
RETURN c.id AS id
