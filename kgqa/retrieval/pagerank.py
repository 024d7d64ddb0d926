"""Personalized PageRank over the entity-chunk graph, as HippoRAG does, with scipy.sparse.

Nodes are entities and chunks. Edges: entity-chunk (mentions, weighted by count) and
entity-entity (relations, weighted by summed support), both undirected. The walk restarts at
the question's linked entities (and, optionally, at passages dense retrieval liked), so chunk
nodes collect probability in proportion to how well they connect the question's entities.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from kgqa.graph.base import GraphReads
from kgqa.retrieval.base import Ranked
from kgqa.retrieval.store_state import StoreFingerprint

# Restart mass on the best dense passages as well as on the linked entities (HippoRAG 2's
# recipe): the top _DENSE_RESTARTS chunks, each weighted by its cosine times
# _DENSE_RESTART_WEIGHT against a linked entity's link score. Set by hand with the first query
# path (0c81f66), not tuned; the README's 2Wiki figures are measured with it.
_DENSE_RESTARTS = 10
_DENSE_RESTART_WEIGHT = 0.5


@dataclass(slots=True)
class _Graph:
    node_index: dict[str, int]
    chunk_ids: np.ndarray  # object array of chunk ids, aligned with chunk_rows
    chunk_rows: np.ndarray  # row indexes of chunk nodes
    transition: sp.csr_matrix  # column-stochastic, as CSR of the transpose for fast mat-vec


class PersonalizedPageRank:
    """Ranks chunks by PPR mass. The graph is loaded once from the store and cached until
    ``fingerprint`` changes (callers pass the store's stats)."""

    def __init__(
        self,
        store: GraphReads,
        damping: float = 0.5,
        iterations: int = 50,
        tolerance: float = 1e-7,
        relation_weight: float = 1.0,
    ) -> None:
        if not 0.0 < damping < 1.0:
            raise ValueError("damping must be in (0, 1)")
        self._store = store
        self._damping = damping
        self._iterations = iterations
        self._tolerance = tolerance
        self._relation_weight = relation_weight
        self._graph: _Graph | None = None
        self._fingerprint: object = None
        self._lock = threading.Lock()

    def refresh(self, fingerprint: object) -> None:
        """Reload the graph from the store if ``fingerprint`` differs from the cached one."""
        with self._lock:
            if self._graph is not None and fingerprint == self._fingerprint:
                return
            self._graph = self._build()
            self._fingerprint = fingerprint

    def _build(self) -> _Graph:
        mentions = self._store.entity_chunk_edges()
        relations = self._store.entity_entity_edges()
        node_index: dict[str, int] = {}

        def index(node: str) -> int:
            i = node_index.get(node)
            if i is None:
                i = node_index[node] = len(node_index)
            return i

        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        chunk_nodes: dict[str, int] = {}
        for entity, chunk, count in mentions:
            e = index(entity)
            c = index("c:" + chunk)
            chunk_nodes[chunk] = c
            rows += [e, c]
            cols += [c, e]
            vals += [float(count), float(count)]
        for subject, obj, weight in relations:
            s, o = index(subject), index(obj)
            w = float(weight) * self._relation_weight
            rows += [s, o]
            cols += [o, s]
            vals += [w, w]
        n = len(node_index)
        adjacency = sp.csr_matrix((vals, (rows, cols)), shape=(n, n), dtype=np.float64)
        out_degree = np.asarray(adjacency.sum(axis=1)).ravel()
        out_degree[out_degree == 0] = 1.0
        # P[i, j] = A[i, j] / deg(i); the walk's next distribution is P^T @ p.
        transition = (sp.diags(1.0 / out_degree) @ adjacency).T.tocsr()
        chunk_ids = np.array(list(chunk_nodes), dtype=object)
        chunk_rows = np.array([chunk_nodes[c] for c in chunk_ids], dtype=np.int64)
        return _Graph(node_index, chunk_ids, chunk_rows, transition)

    def rank_chunks(
        self,
        entity_seeds: Mapping[str, float],
        chunk_seeds: Mapping[str, float] | None = None,
        top_k: int = 20,
    ) -> list[tuple[str, float]]:
        """Chunks by PPR score, best first (ties by id). Seeds not in the graph are ignored;
        with no usable seed the result is empty."""
        graph = self._graph
        if graph is None:
            raise RuntimeError("call refresh() before rank_chunks()")
        n = len(graph.node_index)
        reset = np.zeros(n)
        for node, weight in entity_seeds.items():
            i = graph.node_index.get(node)
            if i is not None and weight > 0:
                reset[i] += weight
        for chunk, weight in (chunk_seeds or {}).items():
            i = graph.node_index.get("c:" + chunk)
            if i is not None and weight > 0:
                reset[i] += weight
        total = reset.sum()
        if total <= 0:
            return []
        reset /= total
        p = reset.copy()
        d = self._damping
        for _ in range(self._iterations):
            nxt = (1.0 - d) * reset + d * (graph.transition @ p)
            # Mass of dangling nodes (none here: every node has an edge) would be lost; renormalise.
            nxt /= nxt.sum()
            if np.abs(nxt - p).sum() < self._tolerance:
                p = nxt
                break
            p = nxt
        scores = p[graph.chunk_rows]
        k = min(top_k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(
            ((str(graph.chunk_ids[i]), float(scores[i])) for i in top if scores[i] > 0),
            key=lambda kv: (-kv[1], kv[0]),
        )
        return ranked


class PageRankRanking:
    """The graph ranking step: PPR from the linked entities and the best dense passages, over
    the store's graph as of its current fingerprint."""

    def __init__(self, pagerank: PersonalizedPageRank, fingerprint: StoreFingerprint) -> None:
        self._pagerank = pagerank
        self._fingerprint = fingerprint

    def rank(self, entity_seeds: Mapping[str, float], dense: Ranked, k: int) -> list[str]:
        if not entity_seeds and not dense:
            return []
        self._pagerank.refresh(self._fingerprint())
        chunk_seeds = {
            c: max(score, 0.0) * _DENSE_RESTART_WEIGHT for c, score in dense[:_DENSE_RESTARTS]
        }
        ranked = self._pagerank.rank_chunks(entity_seeds, chunk_seeds, top_k=k)
        return [c for c, _ in ranked]
