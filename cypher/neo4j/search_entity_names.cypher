CALL db.index.fulltext.queryNodes("entity_names", $query, {limit: $limit}) YIELD node, score
RETURN node.id AS id, node.name AS name, node.type AS type, node.aliases AS aliases, score
