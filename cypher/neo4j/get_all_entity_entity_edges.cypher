MATCH (a:Entity)-[r:RELATES]->(b:Entity)
RETURN a.id AS s, b.id AS o, sum(coalesce(r.weight, 1.0)) AS weight
