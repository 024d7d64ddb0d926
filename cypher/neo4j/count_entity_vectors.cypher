MATCH (n:Entity) WHERE n[$property] IS NOT NULL
RETURN count(n) AS n
