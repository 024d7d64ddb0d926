UNWIND range(0, size($vectors) - 1) AS i
CALL db.index.vector.queryNodes($index, $k, $vectors[i]) YIELD node, score
RETURN i, node.id AS id, score
ORDER BY i, score DESC, id
