UNWIND $rows AS r
MATCH (a:Entity) WHERE a.id = r.s
MATCH (b:Entity) WHERE b.id = r.o
CREATE (a)-[:RELATES {predicate: r.predicate, kind: r.kind, doc_id: r.doc_id, chunk_id: r.chunk_id, start_offset: r.start_offset, end_offset: r.end_offset, weight: r.weight, surface: r.surface}]->(b)
