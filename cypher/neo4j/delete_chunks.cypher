MATCH (c:Chunk) WHERE c.id IN $ids
CALL {
  WITH c
  MATCH (s:Sentence {chunk: c.id})
  DETACH DELETE s
}
DETACH DELETE c
