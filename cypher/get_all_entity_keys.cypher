MATCH (k:EntityKey)
RETURN k.key AS key
