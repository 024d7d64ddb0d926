UNWIND range(0, size($vectors) - 1) AS i
CALL (i) {
  MATCH (n:Sentence) WHERE n[$property] IS NOT NULL
  WITH n, vector.similarity.cosine(n[$property], $vectors[i]) AS score
  ORDER BY score DESC, n.id
  LIMIT $k
  RETURN n.id AS id, score
}
RETURN i, id, score
ORDER BY i, score DESC, id
