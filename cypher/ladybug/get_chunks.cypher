UNWIND $ids AS id
MATCH (c:Chunk {id: id})
RETURN c.id AS id, c.doc_id AS doc_id, c.idx AS idx, c.text AS text, c.start_offset AS start_offset, c.end_offset AS end_offset
