CALL db.index.fulltext.queryNodes('chunk_text', $query, {limit: $limit}) YIELD node, score
RETURN node.id AS id, score
ORDER BY score DESC, id
