"""Vectors of short texts that recur across questions, embedded once.

The read path embeds many short texts besides the question: relation names, relation paths,
a question's content words and their pairs ("directed", "who directed"). They repeat from one
question to the next, so they are kept (least recently used first out) and only the texts not
seen before go to the model, in one batch.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

EmbedTexts = Callable[[Sequence[str]], np.ndarray]


class CachedTexts:
    """``EmbedTexts`` with memory: calls ``embed`` for the texts it has not seen lately.

    ``capacity`` bounds the memory (MiniLM's 384 floats: 1.5 KB a text, 30 MB at 20,000)."""

    def __init__(self, embed: EmbedTexts, capacity: int = 20_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._embed = embed
        self._capacity = capacity
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) rows in the order of ``texts``, as ``embed`` would give them."""
        if not texts:
            return np.asarray(self._embed([]))
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                vector = self._vectors.get(text)
                if vector is not None:
                    self._vectors.move_to_end(text)
                    found[text] = vector
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = dict(zip(missing, np.asarray(self._embed(missing)), strict=True))
            found.update(fresh)
            with self._lock:
                self._vectors.update(fresh)
                while len(self._vectors) > self._capacity:
                    self._vectors.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def __len__(self) -> int:
        return len(self._vectors)
