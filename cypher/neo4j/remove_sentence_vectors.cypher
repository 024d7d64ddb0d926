MATCH (n:Sentence) WHERE n.id IN $ids AND n[$property] IS NOT NULL
REMOVE n[$property]
WITH collect(n) AS removed
CALL (removed) {
  UNWIND removed AS n
  WITH n WHERE none(key IN keys(n) WHERE key STARTS WITH 'vector_')
  DETACH DELETE n
}
RETURN size(removed) AS n
