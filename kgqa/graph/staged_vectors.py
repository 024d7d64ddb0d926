"""Vectors waiting for the graph write that creates their nodes (the Neo4j store).

The write path embeds a batch, hands the vectors to the vector index (``add``), then writes the
batch to the graph. On Neo4j the vectors are node properties under a vector index, so the index's
``add`` stages them here and ``Neo4jGraphStore.write`` sets them in the batch's own transaction:
the graph and its vectors commit together or not at all, and no journal is needed.

Each staged vector has an owner, the chunk or entity whose write carries it: a passage's or an
entity's own node, or for a ``Sentence`` (a node of its own, made with its vector) its chunk.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np

VectorLabel = Literal["Chunk", "Entity", "Sentence"]
# The label of the node whose write carries a vector of each label (see the module doc).
_OWNER_LABEL: dict[str, str] = {"Chunk": "Chunk", "Entity": "Entity", "Sentence": "Chunk"}


@dataclass(slots=True, frozen=True)
class VectorTarget:
    """Where vectors of one kind and embedding space live: a node label and a property."""

    label: VectorLabel
    property: str


class StagedVectors:
    """Thread-safe: the pending vectors of one store, by target and node id (a later ``stage``
    of the same id replaces the earlier vector, as ``add`` does in FAISS)."""

    Taken = list[tuple[VectorTarget, list[dict[str, Any]]]]

    def __init__(self) -> None:
        self._pending: dict[VectorTarget, dict[str, _Staged]] = {}
        self._lock = threading.Lock()

    def stage(
        self,
        target: VectorTarget,
        ids: Sequence[str],
        vectors: np.ndarray,
        owners: Sequence[str] | None = None,
    ) -> None:
        """Stage ``vectors`` for ``ids``, each written with its owner's node (``owners``,
        default the ids themselves)."""
        rows = np.asarray(vectors, dtype=np.float32).tolist()
        staged = [
            _Staged(v, o) for v, o in zip(rows, ids if owners is None else owners, strict=True)
        ]
        with self._lock:
            self._pending.setdefault(target, {}).update(zip(ids, staged, strict=True))

    def discard(self, target: VectorTarget, ids: Iterable[str]) -> None:
        with self._lock:
            pending = self._pending.get(target, {})
            for i in ids:
                pending.pop(i, None)

    def staged_ids(self, target: VectorTarget) -> set[str]:
        with self._lock:
            return set(self._pending.get(target, {}))

    def take(self, chunk_ids: set[str], entity_ids: set[str]) -> Taken:
        """Remove and return the staged vectors of these chunks and entities."""
        wanted = {"Chunk": chunk_ids, "Entity": entity_ids}
        taken: StagedVectors.Taken = []
        with self._lock:
            for target, pending in self._pending.items():
                owners = wanted[_OWNER_LABEL[target.label]]
                ids = [i for i, staged in pending.items() if staged.owner in owners]
                if ids:
                    taken.append((target, [_row(i, pending.pop(i)) for i in ids]))
        return taken

    def take_all(self) -> Taken:
        with self._lock:
            pending, self._pending = self._pending, {}
        return [
            (target, [_row(i, staged) for i, staged in rows.items()])
            for target, rows in pending.items()
            if rows
        ]


class _Staged(NamedTuple):
    vector: list[float]
    owner: str


def _row(node_id: str, staged: _Staged) -> dict[str, Any]:
    """A row of the ``set_<label>_vectors`` statements."""
    return {"id": node_id, "vector": staged.vector, "owner": staged.owner}
