"""The bridge's sentence scores: stored sentence vectors where the store has them
(``kgqa.vectors.sentences``, embedded at ingest), the rest embedded now.

Example::

    SentenceScores(vectors).scores(query, [(chunk.id, "First.")])   # array([0.42])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kgqa.retrieval.query import Query
from kgqa.vectors.base import VectorIndex, VectorStore
from kgqa.vectors.sentences import sentence_id


class SentenceScores:
    """Cosine of the question with sentences of chunks: stored vectors where the store has
    them, the rest embedded now (cached by the space across questions)."""

    def __init__(self, vectors: VectorStore | None, use_stored: bool = True) -> None:
        self._vectors = vectors
        self._use_stored = use_stored

    def scores(self, query: Query, items: Sequence[tuple[str, str]]) -> np.ndarray:
        """One cosine per (chunk id, sentence text) of ``items``, in order."""
        if not items:
            return np.zeros(0, dtype=np.float32)
        ids = [sentence_id(chunk_id, text) for chunk_id, text in items]
        index = self._index(query)
        stored = index.similarities(query.vector, ids) if index is not None else {}
        missing = [t for i, (_, t) in zip(ids, items, strict=True) if i not in stored]
        if missing:
            computed = query.space.texts(missing) @ query.vector
            fresh = iter(computed.tolist())
            return np.array([stored[i] if i in stored else next(fresh) for i in ids])
        return np.array([stored[i] for i in ids])

    def _index(self, query: Query) -> VectorIndex | None:
        if self._vectors is None or not self._use_stored:
            return None
        return self._vectors.sentences(query.space.name, int(query.vector.shape[-1]))
