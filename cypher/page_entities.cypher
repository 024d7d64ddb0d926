MATCH (e:Entity) WHERE e.id > $after
RETURN e.id AS id, e.name AS name, e.type AS type, e.aliases AS aliases
ORDER BY e.id LIMIT $limit
