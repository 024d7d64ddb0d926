UNWIND range(0, size($vectors) - 1) AS i
CALL db.index.vector.queryNodes($index, $k, $vectors[i]) YIELD node
RETURN i, node.id AS id, vector.similarity.cosine(node[$property], $vectors[i]) AS score
ORDER BY i, score DESC, id
