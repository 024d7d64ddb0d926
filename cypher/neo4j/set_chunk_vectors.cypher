UNWIND $rows AS r
MATCH (n:Chunk {id: r.id})
CALL db.create.setNodeVectorProperty(n, $property, r.vector)
