"""Vector search inside Neo4j: one vector index per kind and embedding space, over a property of
the ``Chunk`` or ``Entity`` nodes, so every replica and ingest worker sees the same vectors, and
a batch's vectors commit in the transaction that writes its nodes (see
``kgqa.graph.staged_vectors``).

Sentence vectors (``kgqa.vectors.sentences``) are ``Sentence`` nodes, one per distinct sentence
of a chunk, keyed by the sentence id and written with their chunk; deleting the chunk deletes
them (``cypher/neo4j/delete_chunks.cypher``). The read path only looks them up by id, so they
have no vector index (``_ANN_KINDS``); ``search`` over them scans exactly.

Index names and dimensions go in as parameters; only the property name must be spelt into the
``CREATE VECTOR INDEX`` statement, so it is derived from the embedder's name and checked
against a strict pattern before it is (``_identifiers``).

Example::

    vectors = Neo4jVectorIndexes(store, Path("kgqa-data/vectors"))
    index = vectors.passages("all-MiniLM-L6-v2", 384)
    index.add(["doc#0"], matrix)          # staged; written with the batch that makes doc#0
    store.write(batch)
    index.search(query_matrix, k=5)       # [[("doc#0", 0.83)]]
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from kgqa.graph.cypher import cypher_dir
from kgqa.graph.cypher_store import Rows
from kgqa.graph.neo4j import Neo4jGraphStore
from kgqa.graph.staged_vectors import VectorLabel, VectorTarget
from kgqa.vectors.base import VectorIndexError, checked_vectors
from kgqa.vectors.sentences import sentence_chunk_id

_KINDS: dict[str, VectorLabel] = {
    "passages": "Chunk",
    "entities": "Entity",
    "sentences": "Sentence",
}
# Kinds searched by nearest neighbour, so kept under an HNSW vector index. Sentence vectors are
# read by id only (the sentence bridge scores the first round's sentences); an index over ~5 per
# chunk would cost ingest time and heap and serve no query, so their ``search`` scans.
_ANN_KINDS = frozenset({"passages", "entities"})
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,95}")
# Neo4j's vector indexes take 1 to 4096 dimensions (5.26 operations manual).
_MAX_DIMENSIONS = 4096
# Seconds to wait for a new (empty) index to come online before it is queried.
_INDEX_ONLINE_TIMEOUT_S = 300


class Neo4jVectorIndex:
    def __init__(
        self, store: Neo4jGraphStore, kind: str, space: str, dim: int, index: str, prop: str
    ) -> None:
        self.dim = dim
        self.kind = kind
        self.space = space
        self.index_name = index
        self._store = store
        self._target = VectorTarget(_KINDS[kind], prop)
        self._label = self._target.label.lower()

    def __len__(self) -> int:
        return int(self._read("count_{}_vectors")[0][0])

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and not self.missing([item])

    def ids(self) -> list[str]:
        return [r[0] for r in self._read("get_{}_vector_ids")]

    def ids_starting_with(self, prefixes: Sequence[str]) -> list[str]:
        if not prefixes:
            return []
        rows = self._read("find_{}_vector_ids_with_prefixes", prefixes=list(prefixes))
        return [r[0] for r in rows]

    def missing(self, ids: Sequence[str]) -> list[str]:
        if not ids:
            return []
        have = {r[0] for r in self._read("find_{}_vector_ids", ids=list(dict.fromkeys(ids)))}
        have |= self._store.staged_vectors.staged_ids(self._target)
        return [i for i in ids if i not in have]

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        if len(ids) == 0:
            return
        vectors = checked_vectors(self.index_name, ids, vectors, self.dim)
        owners = [sentence_chunk_id(i) for i in ids] if self.kind == "sentences" else None
        self._store.staged_vectors.stage(self._target, ids, vectors, owners)

    def remove(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return 0
        self._store.staged_vectors.discard(self._target, ids)
        # The write path drops the ids a graph write removed, whose nodes (and so vectors) that
        # write already deleted: look first, so a no-op opens no transaction and moves no version.
        ids = [r[0] for r in self._read("find_{}_vector_ids", ids=ids)]
        if not ids:
            return 0
        rows = self._store.write_query(
            f"remove_{self._label}_vectors", ids=ids, property=self._target.property
        )
        return int(rows[0][0]) if rows else 0

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        found: list[list[tuple[str, float]]] = [[] for _ in range(len(vectors))]
        if k <= 0 or len(vectors) == 0:
            return found
        # All query vectors in one round trip (the resolver asks for hundreds of names at once).
        # The index finds the candidates; their scores are the exact cosines of the stored
        # vectors. Neo4j 5.26 scores quantised vectors by default, and those scores move by
        # ~0.001-0.002 with how the index's segments happened to be built: a name 0.9218 from
        # a known one (resolver threshold 0.92) scored 0.9206 in one run, and entity resolution
        # then depended on timing (a crashed-and-resumed ingest differed from a clean one).
        if self.kind in _ANN_KINDS:
            rows = self._store.read_query(
                "search_vectors",
                index=self.index_name,
                k=k,
                vectors=vectors.tolist(),
                property=self._target.property,
            )
        else:
            rows = self._read("scan_{}_vectors", k=k, vectors=vectors.tolist())
        for i, node_id, score in rows:
            found[int(i)].append((str(node_id), _cosine(score)))
        return found

    def similarities(self, vector: np.ndarray, ids: Sequence[str]) -> dict[str, float]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        query = np.asarray(vector, dtype=np.float32).reshape(-1).tolist()
        rows = self._read("get_{}_vector_similarities", ids=ids, vector=query)
        return {r[0]: _cosine(r[1]) for r in rows}

    def save(self) -> None:
        """Write staged vectors whose nodes exist already (no batch of their own)."""
        self._store.flush_staged_vectors()

    def _read(self, name: str, **params: object) -> Rows:
        return self._store.read_query(
            name.format(self._label), property=self._target.property, **params
        )


def _cosine(neo4j_score: object) -> float:
    """Neo4j reports cosine similarity rescaled to [0, 1] as (1 + cos) / 2; FAISS (inner
    product of unit vectors) and the linker's thresholds use the cosine itself."""
    return 2.0 * float(neo4j_score) - 1.0  # type: ignore[arg-type]


class Neo4jVectorIndexes:
    """The vector indexes of a Neo4j store. ``directory`` is only where the ingest journal
    would go; nothing else is kept in files."""

    transactional = True

    def __init__(self, store: Neo4jGraphStore, directory: Path) -> None:
        self.directory = Path(directory)
        self._store = store
        self._open: dict[str, Neo4jVectorIndex] = {}
        self._lock = threading.Lock()

    def passages(self, embedder: str, dim: int) -> Neo4jVectorIndex:
        return self._get("passages", embedder, dim)

    def entities(self, embedder: str, dim: int) -> Neo4jVectorIndex:
        return self._get("entities", embedder, dim)

    def sentences(self, embedder: str, dim: int) -> Neo4jVectorIndex:
        return self._get("sentences", embedder, dim)

    def all_sentence_indexes(self) -> list[Neo4jVectorIndex]:
        return self._all("sentences")

    def all_passage_indexes(self) -> list[Neo4jVectorIndex]:
        return self._all("passages")

    def all_entity_indexes(self) -> list[Neo4jVectorIndex]:
        return self._all("entities")

    def counts(self) -> dict[str, int]:
        indexes = self._all("passages") + self._all("entities") + self._all("sentences")
        return {f"{ix.kind}.{ix.space}": len(ix) for ix in sorted(indexes, key=_count_key)}

    def save_all(self) -> None:
        self._store.flush_staged_vectors()

    def _get(self, kind: str, space: str, dim: int) -> Neo4jVectorIndex:
        index, prop = _identifiers(kind, space)
        with self._lock:
            found = self._open.get(index)
            if found is None:
                found = self._open[index] = self._ensure(kind, space, dim, index, prop)
        if found.dim != dim:
            raise _dim_error(index, found.dim, dim)
        return found

    def _ensure(self, kind: str, space: str, dim: int, index: str, prop: str) -> Neo4jVectorIndex:
        """The index, created if missing (idempotent: replicas may race to create it)."""
        if not 1 <= dim <= _MAX_DIMENSIONS:
            raise VectorIndexError(f"{index}: {dim} dimensions; Neo4j takes 1 to {_MAX_DIMENSIONS}")
        if kind in _ANN_KINDS:
            statement = _template(_KINDS[kind]).replace("__PROPERTY__", prop)
            self._store.run_schema(statement, index=index, dimensions=dim)
            self._store.read_query("await_index", index=index, timeout_s=_INDEX_ONLINE_TIMEOUT_S)
            have = self._store.read_query("get_vector_index_dimensions", index=index)
        else:
            have = self._store.read_query("get_vector_space_dimensions", index=index)
        if have and int(have[0][0]) != dim:
            raise _dim_error(index, int(have[0][0]), dim)
        self._store.write_query(
            "upsert_vector_space",
            bump_version=False,  # a name for the index, not data: no replica's cache is stale
            index=index,
            kind=kind,
            space=space,
            dim=dim,
            property=prop,
        )
        return Neo4jVectorIndex(self._store, kind, space, dim, index, prop)

    def _all(self, kind: str) -> list[Neo4jVectorIndex]:
        """Every index of a kind in the database, including ones this process never opened."""
        for index, k, space, dim, _ in self._store.read_query("list_vector_spaces"):
            if k == kind and index not in self._open:
                self._get(kind, space, int(dim))
        with self._lock:
            return [ix for name, ix in sorted(self._open.items()) if ix.kind == kind]


def _identifiers(kind: str, space: str) -> tuple[str, str]:
    """(index name, node property) for an embedding space: the name made lower-case
    alphanumeric, plus 8 hex digits of its hash so two names that fold alike stay apart."""
    if kind not in _KINDS:
        raise VectorIndexError(f"unknown vector kind {kind!r}; expected one of {sorted(_KINDS)}")
    slug = re.sub(r"[^a-z0-9]+", "_", space.lower()).strip("_")[:60] or "space"
    digest = hashlib.sha256(space.encode("utf-8")).hexdigest()[:8]
    index, prop = f"{kind}_{slug}_{digest}", f"vector_{slug}_{digest}"
    for name in (index, prop):
        if not _IDENTIFIER.fullmatch(name):  # a guard: the property is spelt into DDL
            raise VectorIndexError(f"refusing the vector identifier {name!r}")
    return index, prop


def _template(label: VectorLabel) -> str:
    path = cypher_dir() / "neo4j" / "templates" / f"create_{label.lower()}_vector_index.cypher.tmpl"
    return path.read_text(encoding="utf-8").strip()


def _dim_error(index: str, have: int, want: int) -> VectorIndexError:
    return VectorIndexError(
        f"the Neo4j vector index {index} has dim {have}, the embedder {want}: it was built "
        "with another model; drop the index (DROP INDEX) and re-ingest"
    )


def _count_key(ix: Neo4jVectorIndex) -> str:
    return f"{ix.kind}.{ix.space}"
