MATCH (n:Chunk) WHERE n[$property] IS NOT NULL
RETURN count(n) AS n
