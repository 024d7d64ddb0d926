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
        found = self._index(query).search(query.vector[None, :], k)[0]
        query.passage_cosines.update(found)
        return found

    def similarities(self, query: Query, chunk_ids: Sequence[str]) -> dict[str, float]:
        """The cosines of ``chunk_ids`` that have a vector; those ``query`` knows already
        (``Query.passage_cosines``) are not read again."""
        known = query.passage_cosines
        missing = [c for c in dict.fromkeys(chunk_ids) if c not in known]
        if missing:
            known.update(self._index(query).similarities(query.vector, missing))
        return {c: known[c] for c in chunk_ids if c in known}

    def _index(self, query: Query) -> VectorIndex:
        # The vector's width, not embedder.dim: a lazily loaded embedder knows its dim only
        # once it has embedded something.
        return self._vectors.passages(query.space.name, int(query.vector.shape[-1]))
