UNWIND $ids AS id
OPTIONAL MATCH (e:Entity) WHERE e.id = id
WITH collect([e]) AS nodes
UNWIND $rows AS r
WITH nodes[r[0]][0] AS a, nodes[r[1]][0] AS b, r
WHERE a IS NOT NULL AND b IS NOT NULL
CREATE (a)-[:RELATES {predicate: r[2], kind: r[3], doc_id: r[4], chunk_id: r[5], start_offset: r[6], end_offset: r[7], weight: r[8], surface: r[9]}]->(b)
