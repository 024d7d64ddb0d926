"""An embedding space: one embedder, and the short texts already embedded by it.

Vectors are only comparable within one space: MiniLM and multilingual e5 are both 384-d, so
mixing them fails silently (the scores are just meaningless). Whatever the read path compares
with a question (predicates, passages, entity names) is embedded or indexed by the question's
space, which travels with the question's vector (``kgqa.retrieval.query.Query``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kgqa.embedding.base import Embedder
from kgqa.embedding.text_cache import CachedTexts


class EmbeddingSpace:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        # Relation names, relation paths and a question's words recur across questions.
        self.texts = CachedTexts(self.queries)

    @property
    def name(self) -> str:
        """The vector indexes of this space are named by it (``VectorIndexes``)."""
        return self.embedder.name

    def query(self, text: str) -> np.ndarray:
        return self.embedder.embed([text], kind="query")[0]

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query-kind vectors, not remembered (``texts`` remembers)."""
        return self.embedder.embed(texts, kind="query")
