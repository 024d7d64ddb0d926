"""BM25 over chunk text with bm25s.

bm25s has no incremental updates, so the index is rebuilt whenever the store changes: the
caller passes a fingerprint (the store's counts) and ``ensure`` rebuilds only when it differs.
Building 6k passages takes about a second.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from kgqa.keyword.tokenize import tokenize

logger = logging.getLogger(__name__)


class Bm25KeywordIndex:
    def __init__(self) -> None:
        self._retriever = None
        self._ids: list[str] = []
        self.fingerprint: object = None
        self._lock = threading.Lock()

    def build(self, ids: Sequence[str], texts: Iterable[str], fingerprint: object = None) -> None:
        import bm25s

        # bm25s sets its own logger to DEBUG on import; keep it at the application's level.
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        tokens = [tokenize(t) or ["\x00"] for t in texts]
        retriever = None
        if ids:
            retriever = bm25s.BM25()
            retriever.index(tokens, show_progress=False)
        with self._lock:
            self._retriever = retriever
            self._ids = list(ids)
            self.fingerprint = fingerprint

    def ensure(
        self, fingerprint: object, source: Callable[[], tuple[list[str], list[str]]]
    ) -> None:
        """Rebuild from ``source()`` -> (ids, texts) unless already built for ``fingerprint``."""
        if self._retriever is not None and fingerprint == self.fingerprint:
            return
        ids, texts = source()
        logger.info("building the keyword index over %d chunks", len(ids))
        self.build(ids, texts, fingerprint)

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        tokens = tokenize(query)
        with self._lock:
            retriever, ids = self._retriever, self._ids
        if retriever is None or not tokens or k <= 0:
            return []
        found, scores = retriever.retrieve(
            [tokens], k=min(k, len(ids)), show_progress=False, n_threads=1
        )
        return [
            (ids[int(i)], float(s))
            for i, s in zip(np.ravel(found), np.ravel(scores), strict=True)
            if s > 0
        ]
