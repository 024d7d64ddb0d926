UNWIND $rows AS r
MATCH (c:Chunk {id: r.owner})
MERGE (n:Sentence {id: r.id})
SET n.chunk = c.id
WITH n, r
CALL db.create.setNodeVectorProperty(n, $property, r.vector)
