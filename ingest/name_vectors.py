"""Entity-name vectors computed once per write: the resolver and the entity index share them.

The resolver embeds every name the store does not know, to compare it with the indexed names;
the names it cannot join become new entities, whose vectors the entity index then needs. They
are the same texts with the same model, so embedding them twice was a third of the ingest's
embedding work on 2Wiki (bench/ingest_throughput.py, 2026-12-02). Only "query" vectors (names)
are kept; passages are embedded once anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kgqa.embedding.base import Embedder, EmbedKind

# Names kept before the memo starts over: a few batches' worth (2Wiki: ~2,000 new names per
# 256 passages), 384-d float32 = 1.5 kB a name, so at most ~75 MB.
MAX_NAMES = 50_000


class NameVectorMemo:
    """An Embedder that remembers the vectors of the names it embedded (kind "query")."""

    def __init__(self, embedder: Embedder, max_names: int = MAX_NAMES) -> None:
        self._embedder = embedder
        self._max_names = max_names
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        return self._embedder.name

    @property
    def dim(self) -> int:
        return self._embedder.dim

    def warm_up(self) -> None:
        self._embedder.warm_up()

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> np.ndarray:
        if kind != "query" or not texts:
            return self._embedder.embed(texts, kind)
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if len(self._vectors) + len(missing) > self._max_names:
            self._vectors.clear()
            missing = list(dict.fromkeys(texts))
        if missing:
            fresh = self._embedder.embed(missing, kind)
            self._vectors.update(zip(missing, fresh, strict=True))
        return np.stack([self._vectors[t] for t in texts]).astype(np.float32, copy=False)
