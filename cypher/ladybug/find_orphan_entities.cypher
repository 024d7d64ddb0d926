UNWIND $ids AS id
MATCH (e:Entity {id: id})
WHERE NOT EXISTS { MATCH (e)<-[:MENTIONS]-(:Chunk) }
  AND NOT EXISTS { MATCH (e)-[:RELATES]-(:Entity) }
RETURN DISTINCT e.id AS id
