MATCH (n:Sentence) WHERE n[$property] IS NOT NULL
RETURN n.id AS id ORDER BY id
