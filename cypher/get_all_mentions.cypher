MATCH (c:Chunk)-[m:MENTIONS]->(e:Entity)
RETURN e.id AS entity_id, c.id AS chunk_id, count(*) AS mentions,
       sum(CASE WHEN m.start_offset = m.end_offset THEN 1 ELSE 0 END) AS topic_mentions
