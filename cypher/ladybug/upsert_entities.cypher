UNWIND $rows AS r
MERGE (e:Entity {id: r.id})
ON CREATE SET e.name = r.name, e.type = r.type, e.aliases = r.aliases
ON MATCH SET e.aliases = list_distinct(list_concat(e.aliases, r.aliases))
