UNWIND $keys AS key
MATCH (k:EntityKey {key: key})
OPTIONAL MATCH (k)-[:KEY_OF]->(e:Entity)
WITH k, e WHERE e IS NOT NULL
RETURN k.key AS key, e.id AS id, e.name AS name, e.type AS type, e.aliases AS aliases
