MATCH (a:Entity)-[r:RELATES]->(b:Entity) WHERE r.doc_id IN $ids
RETURN DISTINCT a.id AS s, b.id AS o
