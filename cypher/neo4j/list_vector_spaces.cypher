MATCH (s:VectorSpace)
RETURN s.index AS index, s.kind AS kind, s.space AS space, s.dim AS dim, s.property AS property
ORDER BY index
