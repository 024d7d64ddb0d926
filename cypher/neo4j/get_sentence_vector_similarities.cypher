MATCH (n:Sentence) WHERE n.id IN $ids AND n[$property] IS NOT NULL
RETURN n.id AS id, vector.similarity.cosine(n[$property], $vector) AS score
