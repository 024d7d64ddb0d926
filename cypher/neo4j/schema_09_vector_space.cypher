CREATE CONSTRAINT vector_space_index IF NOT EXISTS FOR (s:VectorSpace) REQUIRE s.index IS UNIQUE
