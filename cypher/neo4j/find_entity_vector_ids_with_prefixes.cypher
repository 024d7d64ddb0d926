UNWIND $prefixes AS prefix
MATCH (n:Entity) WHERE n.id STARTS WITH prefix AND n[$property] IS NOT NULL
RETURN DISTINCT n.id AS id
