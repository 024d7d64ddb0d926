MERGE (s:VectorSpace {index: $index})
SET s.kind = $kind, s.space = $space, s.dim = $dim, s.property = $property
