MATCH (c:Chunk) WHERE c.id IN $ids
RETURN c.id AS id, c.doc_id AS doc_id, c.idx AS idx, c.text AS text, c.start_offset AS start_offset, c.end_offset AS end_offset
