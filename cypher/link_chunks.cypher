UNWIND $rows AS r
MATCH (d:Document) WHERE d.id = r.doc_id
MATCH (c:Chunk) WHERE c.id = r.id
CREATE (d)-[:HAS_CHUNK]->(c)
