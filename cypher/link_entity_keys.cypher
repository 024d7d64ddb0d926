UNWIND $rows AS r
MATCH (k:EntityKey) WHERE k.key = r.key
MATCH (e:Entity) WHERE e.id = r.entity_id
MERGE (k)-[:KEY_OF]->(e)
