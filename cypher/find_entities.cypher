UNWIND $keys AS key
MATCH (k:EntityKey)-[:KEY_OF]->(e:Entity) WHERE k.key = key
RETURN key, e.id AS id, e.name AS name, e.type AS type, e.aliases AS aliases
