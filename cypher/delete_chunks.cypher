UNWIND $ids AS id
MATCH (c:Chunk) WHERE c.id = id
DETACH DELETE c
