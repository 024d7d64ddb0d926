UNWIND $rows AS r
MATCH (n:Entity {id: r.id})
CALL db.create.setNodeVectorProperty(n, $property, r.vector)
