MATCH (n:Sentence) WHERE n[$property] IS NOT NULL
RETURN count(n) AS n
