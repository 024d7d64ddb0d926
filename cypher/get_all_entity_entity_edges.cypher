MATCH (a:Entity)-[r:RELATES]->(b:Entity)
RETURN a.id AS s, b.id AS o, sum(r.weight) AS weight
