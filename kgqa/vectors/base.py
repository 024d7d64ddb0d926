"""What the read and write paths need of vector search: one index per kind (passages, entity
names) and embedding space, addressed by graph ids, scored by cosine similarity.

Two backends satisfy it with the same behaviour (``tests/integration/test_search_contract.py``):
``FaissVectorIndex`` / ``VectorIndexes`` (files beside the embedded store) and
``Neo4jVectorIndex`` / ``Neo4jVectorIndexes`` (vector indexes inside Neo4j, written in the
graph's own transactions). ``kgqa.vectors.factory`` picks one by the graph backend.

Shared behaviour:
- ``add`` replaces an id's vector. FAISS holds it at once; Neo4j holds it from the next graph
  ``write`` that creates the node, or the next ``save`` for a node that exists already.
- ``search`` and ``similarities`` return cosine similarities (vectors are unit length), best
  first, ids unknown to the index left out.
- ``transactional``: whether vectors commit with the graph (then a crash cannot leave the two
  apart, and the ingest journal has nothing to reconcile).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from kgqa.errors import KGQAError


class VectorIndexError(KGQAError):
    """A vector index is corrupt, does not fit the embedder, or was given vectors that do not
    fit it."""


def checked_vectors(name: str, ids: Sequence[str], vectors: np.ndarray, dim: int) -> np.ndarray:
    """``vectors`` as contiguous float32, one row of ``dim`` per id, or a VectorIndexError
    naming the index: every backend's ``add`` checks its input the same way."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if vectors.shape != (len(ids), dim):
        raise VectorIndexError(
            f"{name}: expected {len(ids)} vectors of dim {dim}, got shape {vectors.shape}"
        )
    return vectors


class VectorIndex(Protocol):
    dim: int

    def __len__(self) -> int: ...

    def __contains__(self, item: object) -> bool: ...

    def ids(self) -> list[str]:
        """Every id with a vector."""

    def ids_starting_with(self, prefixes: Sequence[str]) -> list[str]:
        """The ids with a vector that start with one of ``prefixes`` (a chunk's sentences)."""

    def missing(self, ids: Sequence[str]) -> list[str]:
        """Those of ``ids`` without a vector, in their order (one query, not one per id)."""

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None: ...

    def remove(self, ids: Iterable[str]) -> int: ...

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """Per query vector, the ``k`` nearest (id, cosine) pairs, best first."""

    def similarities(self, vector: np.ndarray, ids: Sequence[str]) -> dict[str, float]: ...

    def save(self) -> None: ...


class VectorStore(Protocol):
    """The vector indexes of one store (``VectorIndexes`` for FAISS files, or Neo4j's)."""

    directory: Path
    transactional: bool

    def passages(self, embedder: str, dim: int) -> VectorIndex: ...

    def entities(self, embedder: str, dim: int) -> VectorIndex: ...

    def sentences(self, embedder: str, dim: int) -> VectorIndex | None:
        """The chunks' sentence vectors (``kgqa.retrieval.sentence_vectors``), or None where
        the backend keeps none (the read path then embeds the sentences it needs)."""

    def all_sentence_indexes(self) -> Sequence[VectorIndex]: ...

    def all_passage_indexes(self) -> Sequence[VectorIndex]: ...

    def all_entity_indexes(self) -> Sequence[VectorIndex]: ...

    def counts(self) -> dict[str, int]:
        """Vectors per index, keyed "passages.<embedder>" / "entities.<embedder>"."""

    def save_all(self) -> None: ...
