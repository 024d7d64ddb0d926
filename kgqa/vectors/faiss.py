"""A FAISS inner-product index whose vectors are addressed by the graph's string ids.

Saved as one file (a JSON header with the id table, then the serialised index), written to a
temporary file, fsynced and renamed over the old one: after a crash the file on disk is either
the old or the new version, never a mix, and the id table always matches the vectors.
"""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import faiss
import numpy as np

from kgqa.atomic_file import write_atomically
from kgqa.vectors.base import VectorIndexError, checked_vectors

_MAGIC = b"KGQAFAI1"


class FaissVectorIndex:
    """Example::

    index = FaissVectorIndex.open(Path("vectors/passages.faiss"), dim=384)
    index.add(["doc#0"], vectors)
    index.search(query_vectors, k=5)  # [[("doc#0", 0.83)]]
    index.save()
    """

    def __init__(self, path: Path, dim: int) -> None:
        self.path = Path(path)
        self.dim = dim
        self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self._labels: dict[str, int] = {}
        self._ids: dict[int, str] = {}
        self._next = 0
        self._dirty = False
        self._lock = threading.RLock()

    @classmethod
    def open(cls, path: Path, dim: int) -> FaissVectorIndex:
        index = cls(path, dim)
        if index.path.exists():
            index._load()
        return index

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def __contains__(self, item: object) -> bool:
        return item in self._labels

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._labels)

    def ids_starting_with(self, prefixes: Sequence[str]) -> list[str]:
        if not prefixes:
            return []
        wanted = tuple(prefixes)
        with self._lock:
            return [i for i in self._labels if i.startswith(wanted)]

    def missing(self, ids: Sequence[str]) -> list[str]:
        with self._lock:
            return [i for i in ids if i not in self._labels]

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Add vectors; an id already present has its vector replaced."""
        if len(ids) == 0:
            return
        vectors = checked_vectors(self.path.name, ids, vectors, self.dim)
        with self._lock:
            self.remove([i for i in ids if i in self._labels])
            labels = np.arange(self._next, self._next + len(ids), dtype=np.int64)
            self._next += len(ids)
            for item, label in zip(ids, labels.tolist(), strict=True):
                self._labels[item] = label
                self._ids[label] = item
            self._index.add_with_ids(vectors, labels)
            self._dirty = True

    def remove(self, ids: Iterable[str]) -> int:
        with self._lock:
            labels = [self._labels.pop(i) for i in ids if i in self._labels]
            if not labels:
                return 0
            for label in labels:
                del self._ids[label]
            # faiss's SWIG wrapper takes an int64 array here (its stubs only list IDSelector).
            self._index.remove_ids(np.asarray(labels, dtype=np.int64))  # type: ignore[arg-type]
            self._dirty = True
            return len(labels)

    def similarities(self, vector: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        """Inner product of one query vector with the stored vectors of ``ids``; ids not in
        the index are left out."""
        with self._lock:
            known = [i for i in dict.fromkeys(ids) if i in self._labels]
            if not known:
                return {}
            stored = np.vstack([self._index.reconstruct(self._labels[i]) for i in known])
        scores = stored @ np.asarray(vector, dtype=np.float32).reshape(-1)
        return dict(zip(known, scores.tolist(), strict=True))

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        vectors = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
        with self._lock:
            if len(self) == 0 or k <= 0:
                return [[] for _ in range(len(vectors))]
            scores, labels = self._index.search(vectors, min(k, len(self)))
            return [
                [
                    (self._ids[int(lab)], float(s))
                    for s, lab in zip(row_s, row_l, strict=True)
                    if lab >= 0
                ]
                for row_s, row_l in zip(scores, labels, strict=True)
            ]

    def save(self) -> None:
        with self._lock:
            if not self._dirty and self.path.exists():
                return
            header = json.dumps(
                {"dim": self.dim, "next": self._next, "labels": self._labels}, ensure_ascii=False
            ).encode("utf-8")
            body = faiss.serialize_index(self._index).tobytes()
            write_atomically(self.path, _MAGIC + struct.pack("<Q", len(header)) + header + body)
            self._dirty = False

    def _load(self) -> None:
        data = self.path.read_bytes()
        try:
            if data[:8] != _MAGIC:
                raise ValueError("not a kgqa vector index")
            (size,) = struct.unpack("<Q", data[8:16])
            header = json.loads(data[16 : 16 + size])
            index = faiss.deserialize_index(np.frombuffer(data[16 + size :], dtype=np.uint8))
            if not isinstance(index, faiss.IndexIDMap2):
                raise ValueError(f"holds a {type(index).__name__}, not an id-mapped index")
        except (ValueError, struct.error, RuntimeError, json.JSONDecodeError) as e:
            raise VectorIndexError(
                f"the vector index {self.path} is corrupt ({e}); delete it and re-ingest"
            ) from e
        if header["dim"] != self.dim:
            raise VectorIndexError(
                f"the vector index {self.path} has dim {header['dim']}, the embedder {self.dim}: "
                "it was built with another model; delete it and re-ingest"
            )
        self._index = index
        self._labels = {k: int(v) for k, v in header["labels"].items()}
        self._ids = {v: k for k, v in self._labels.items()}
        self._next = int(header["next"])
        self._dirty = False
