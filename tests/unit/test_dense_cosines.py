"""The passage cosines a question keeps (kgqa.retrieval.dense): read once per question."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kgqa.retrieval.dense import FaissDenseSearch
from kgqa.retrieval.query import Query


class _Index:
    def __init__(self, rows: dict[str, np.ndarray]) -> None:
        self.rows = rows
        self.asked: list[list[str]] = []

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        ranked = sorted(self.rows, key=lambda i: -float(vectors[0] @ self.rows[i]))[:k]
        return [[(i, float(vectors[0] @ self.rows[i])) for i in ranked]]

    def similarities(self, vector: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        self.asked.append(list(ids))
        return {i: float(vector @ self.rows[i]) for i in ids if i in self.rows}


class _Vectors:
    def __init__(self, index: _Index) -> None:
        self.index = index

    def passages(self, name: str, dim: int) -> _Index:
        return self.index


class _Space:
    name = "test"


def test_dense_similarities_reuse_what_the_search_found() -> None:
    rows = {f"c{i}": np.eye(4, dtype=np.float32)[i % 4] * (1 + i) / 10 for i in range(8)}
    index = _Index(rows)
    dense = FaissDenseSearch(_Vectors(index))  # type: ignore[arg-type]
    query = Query("q", _Space(), np.array([1.0, 0.5, 0.0, 0.0], dtype=np.float32))  # type: ignore[arg-type]
    found = dict(dense.search(query, 3))
    sims = dense.similarities(query, ["c4", "c2", "c9", "c0"])
    expected = {i: float(query.vector @ rows[i]) for i in ("c4", "c2", "c0")}
    assert sims == expected and list(sims) == ["c4", "c2", "c0"]
    assert index.asked == [[c for c in ("c4", "c2", "c9", "c0") if c not in found]]
    dense.similarities(query, ["c4", "c0"])
    assert len(index.asked) == 1  # nothing new to read
