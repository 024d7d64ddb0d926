MATCH (n:Chunk) WHERE n.id IN $ids AND n[$property] IS NOT NULL
REMOVE n[$property]
RETURN count(n) AS n
