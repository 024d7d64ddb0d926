MATCH (c:Chunk) WHERE c.id IN $ids
CALL (c) {
  MATCH (s:Sentence {chunk: c.id})
  DETACH DELETE s
}
DETACH DELETE c
