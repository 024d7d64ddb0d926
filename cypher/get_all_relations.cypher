MATCH (a:Entity)-[r:RELATES]->(b:Entity)
RETURN a.id AS s, a.name AS s_name, r.predicate AS predicate, r.kind AS kind, b.id AS o, b.name AS o_name,
       r.doc_id AS doc_id, r.chunk_id AS chunk_id, r.start_offset AS start_offset, r.end_offset AS end_offset,
       coalesce(r.surface, '') AS surface
