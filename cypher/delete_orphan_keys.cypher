UNWIND $keys AS key
MATCH (k:EntityKey) WHERE k.key = key AND NOT EXISTS { MATCH (k)-[:KEY_OF]->(:Entity) }
DELETE k
