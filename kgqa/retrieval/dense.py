"""Dense search: the question's vector against the passage vectors of its embedding space."""

from __future__ import annotations

from collections.abc import Sequence

from kgqa.retrieval.base import Ranked
from kgqa.retrieval.query import Query
from kgqa.vectors.base import VectorIndex, VectorStore


class FaissDenseSearch:
    def __init__(self, vectors: VectorStore) -> None:
        self._vectors = vectors

    def search(self, query: Query, k: int) -> Ranked:
        return self._index(query).search(query.vector[None, :], k)[0]

    def similarities(self, query: Query, chunk_ids: Sequence[str]) -> dict[str, float]:
        return self._index(query).similarities(query.vector, chunk_ids)

    def _index(self, query: Query) -> VectorIndex:
        # The vector's width, not embedder.dim: a lazily loaded embedder knows its dim only
        # once it has embedded something.
        return self._vectors.passages(query.space.name, int(query.vector.shape[-1]))
