UNWIND $rows AS r
MERGE (e:Entity {id: r.id})
ON CREATE SET e.name = r.name, e.type = r.type, e.aliases = r.aliases
ON MATCH SET e.aliases = e.aliases + [a IN r.aliases WHERE NOT a IN e.aliases]
