MATCH (e:Entity) WHERE e.id IN $ids
  AND NOT EXISTS { MATCH (e)<-[:MENTIONS]-(:Chunk) }
  AND NOT EXISTS { MATCH (e)-[:RELATES]-(:Entity) }
RETURN e.id AS id
