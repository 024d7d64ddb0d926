MATCH (s:VectorSpace {index: $index})
RETURN s.dim AS dimensions
