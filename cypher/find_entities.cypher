MATCH (k:EntityKey)-[:KEY_OF]->(e:Entity) WHERE k.key IN $keys
RETURN k.key AS key, e.id AS id, e.name AS name, e.type AS type, e.aliases AS aliases
