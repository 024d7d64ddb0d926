"""Records read by id, kept per store version (kgqa.retrieval.record_cache) and the passage
cosines a question keeps (kgqa.retrieval.dense)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kgqa.retrieval.dense import FaissDenseSearch
from kgqa.retrieval.query import Query
from kgqa.retrieval.record_cache import RecordCache


class _Store:
    """Records "id:version"; counts the ids each read asks for."""

    def __init__(self) -> None:
        self.version = 1
        self.asked: list[list[str]] = []
        self.known = {"a", "b", "c", "d"}

    def fetch(self, ids: Sequence[str]) -> list[str]:
        self.asked.append(list(ids))
        return [f"{i}:{self.version}" for i in reversed(ids) if i in self.known]


def _cache(store: _Store, capacity: int = 10) -> RecordCache[str]:
    return RecordCache(store.fetch, lambda r: r.split(":")[0], lambda: store.version, capacity)


def test_records_are_read_once_per_version_and_returned_in_the_order_asked() -> None:
    store = _Store()
    cache = _cache(store)
    assert cache.get(["b", "a", "b", "zz"]) == ["b:1", "a:1"]
    assert cache.get(["a", "c", "b"]) == ["a:1", "c:1", "b:1"]
    assert store.asked == [["b", "a", "zz"], ["c"]]
    store.version = 2  # a write anywhere: nothing read before is served
    assert cache.get(["a"]) == ["a:2"]
    assert store.asked[-1] == ["a"]


def test_unknown_ids_are_asked_again_and_the_least_recently_used_go_first() -> None:
    store = _Store()
    cache = _cache(store, capacity=2)
    cache.get(["zz"])
    cache.get(["zz"])
    assert store.asked == [["zz"], ["zz"]]
    cache.get(["a", "b"])
    cache.get(["a"])  # b is now the oldest
    cache.get(["c"])
    store.asked.clear()
    assert cache.get(["a", "b", "c"]) == ["a:1", "b:1", "c:1"]
    assert store.asked == [["b"]]


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
