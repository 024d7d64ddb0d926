"""The relation examples as the KB answerer reads them: per relation path, the best weighted
cosine of its examples with a question (both with the topic's mention removed)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kgqa.embedding.text_cache import EmbedTexts
from kgqa.relation_examples.examples import PathKey, path_order, read_examples, unmarked


@dataclass(slots=True, frozen=True)
class _Loaded:
    """The examples as matrices: one row per (path, wording), its vector and its weight."""

    keys: list[PathKey]
    vectors: np.ndarray
    key_of_row: np.ndarray
    weights: np.ndarray


class ExampleMatcher:
    """Best weighted example similarity per relation path. The file is re-read (and its
    questions re-embedded) when it changes on disk."""

    def __init__(self, path: Path, embed: EmbedTexts) -> None:
        self._path = path
        self._embed = embed
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._loaded: _Loaded | None = None

    def scores(self, question_vector: np.ndarray) -> dict[PathKey, float]:
        """For each path with examples (its relations and, where learned, its hops'
        directions), the highest cosine of the (mention-free) question's vector with one of
        its examples times the example's weight; empty without examples."""
        loaded = self._load()
        if loaded is None:
            return {}
        sims = (loaded.vectors @ question_vector) * loaded.weights
        best = np.full(len(loaded.keys), -1.0)
        np.maximum.at(best, loaded.key_of_row, sims)
        return {key: float(best[i]) for i, key in enumerate(loaded.keys)}

    def _load(self) -> _Loaded | None:
        try:
            stat = self._path.stat()
            stamp: tuple[float, int] | None = (stat.st_mtime, stat.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._loaded = self._read() if stamp else None
                self._stamp = stamp
            return self._loaded

    def _read(self) -> _Loaded | None:
        counts: dict[tuple[PathKey, str], int] = {}
        totals: dict[str, int] = {}
        for e in read_examples(self._path):
            text = unmarked(e.question)
            counts[(e.path, text)] = counts.get((e.path, text), 0) + e.count
            totals[text] = totals.get(text, 0) + e.count
        if not counts:
            return None
        rows = sorted(counts, key=lambda row: (path_order(row[0]), row[1]))
        keys = sorted({key for key, _ in rows}, key=path_order)
        index = {key: i for i, key in enumerate(keys)}
        return _Loaded(
            keys=keys,
            vectors=np.asarray(self._embed([text for _, text in rows]), dtype=np.float32),
            key_of_row=np.array([index[key] for key, _ in rows], dtype=np.int64),
            weights=np.array([counts[row] / totals[row[1]] for row in rows], dtype=np.float32),
        )
