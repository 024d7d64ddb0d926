"""The graph store protocol. Two backends implement it with identical behaviour:
``Neo4jGraphStore`` (kgqa.graph.neo4j) and ``LadybugGraphStore`` (kgqa.graph.embedded).

The graph:

    (:Document)-[:HAS_CHUNK]->(:Chunk)-[:MENTIONS {start, end, surface}]->(:Entity)
    (:Entity)-[:RELATES {predicate, kind, doc_id, chunk_id, start, end, weight}]->(:Entity)

Each RELATES edge is one piece of support (one chunk, or one knowledge-base line) for a
triple; reads aggregate them into ``Fact``s. Deleting a document removes its support, so a
triple's count drops by what that document contributed, and an entity left with no mention
and no relation is removed.

Behaviour every backend must share (the contract tests in tests/integration/test_graph_contract.py):
- ``write`` is atomic: all of a batch or none of it.
- ``write`` replaces the listed documents: their old chunks, mentions and relation support go.
- Entities are upserted: name and type are kept from the first write; aliases are unioned.
- Every list a method returns is in a deterministic order (documented per method).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from kgqa.domain import Chunk, Document, Entity, Fact, GraphBatch


@dataclass(slots=True, frozen=True)
class GraphStats:
    documents: int
    chunks: int
    entities: int
    relations: int  # RELATES edges (pieces of support)
    mentions: int

    def as_dict(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "chunks": self.chunks,
            "entities": self.entities,
            "relations": self.relations,
            "mentions": self.mentions,
        }


# Bounds of list_documents, checked by every store (InputError past them). Ladybug reads SKIP
# as 32 bits (SKIP 2^42 returned the first row) and crashed the process on a SKIP some 10,000
# past the last row (issue 19); Neo4j takes any long. 2^31 - 1 is safe in both.
MAX_LIST_OFFSET = 2**31 - 1
MAX_LIST_LIMIT = 10_000


@dataclass(slots=True)
class RemovedIds:
    """What a write or delete removed, so the vector indexes can drop the same ids."""

    documents: list[str] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    # Chunks a rewritten document kept the ids of, with new text: vectors derived from the
    # old text under other ids (its sentences') are to go.
    rewritten_chunks: list[str] = field(default_factory=list)


class GraphReads(Protocol):
    """The reads the query path makes per question: a ``GraphStore`` answers them, and so does
    the store's in-memory snapshot (``kgqa.retrieval.snapshot.GraphSnapshot``), identically.
    Each method is documented on ``GraphStore``."""

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]: ...
    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]: ...
    def get_documents(self, doc_ids: Sequence[str]) -> list[Document]: ...
    def find_entities(self, keys: Sequence[str]) -> dict[str, list[Entity]]: ...
    def relations_of(self, entity_ids: Sequence[str], limit_per_entity: int) -> list[Fact]: ...
    def entity_chunk_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, int]]: ...
    def entity_entity_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, float]]: ...
    def chunk_entities(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]: ...
    def topic_chunks(self, entity_ids: Sequence[str]) -> dict[str, list[str]]: ...


@runtime_checkable
class GraphStore(Protocol):
    def open(self) -> None:
        """Connect / open files. Raises ``GraphStoreUnavailable`` with the location and the fix."""

    def init_schema(self) -> None:
        """Create tables / constraints / indexes. Idempotent."""

    def ping(self) -> None:
        """Raise ``GraphStoreUnavailable`` unless the store answers a trivial read."""

    def close(self) -> None: ...

    # -- writes ------------------------------------------------------------------------
    def resolution_lock(self) -> AbstractContextManager[object]:
        """Held by a writer from resolving a batch's names against the store to writing it.

        Two writers that resolve at once can each found an entity that one of them would have
        joined to the other's (an alias key on two entities); holding this across resolution
        and write makes their batches take turns. Across processes on a shared store (Neo4j);
        across threads where only one process may write (the embedded store)."""

    def write(self, batch: GraphBatch) -> RemovedIds:
        """Atomically replace the batch's documents with the batch's content.

        Returns the chunks and entities that existed before and are gone now (chunks of an
        older version of a document; entities no longer mentioned or related anywhere)."""

    def delete_documents(self, doc_ids: Sequence[str]) -> RemovedIds:
        """Remove documents with their chunks, mentions and relation support, and entities
        left with neither a mention nor a relation. Unknown ids are ignored (not in the result)."""

    # -- reads -------------------------------------------------------------------------
    def document_hashes(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """``content_hash`` of each known document among ``doc_ids``."""

    def get_documents(self, doc_ids: Sequence[str]) -> list[Document]:
        """Documents in the order of ``doc_ids`` (unknown ids skipped), with ``text`` empty:
        the store keeps text on chunks only."""

    def list_documents(self, offset: int = 0, limit: int = 100) -> list[Document]:
        """Documents ordered by id, with ``text`` empty."""

    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """Chunks in the order of ``chunk_ids``, unknown ids skipped."""

    def iter_chunks(self, batch_size: int = 10_000) -> Iterator[list[Chunk]]:
        """All chunks, ordered by id, in pages."""

    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]:
        """Entities in the order of ``entity_ids``, unknown ids skipped; aliases sorted."""

    def find_entities(self, keys: Sequence[str]) -> dict[str, list[Entity]]:
        """For each normalised key (``kgqa.names.normalize_name``), the entities whose name or
        an alias normalises to it, ordered by id. Keys with no match are absent."""

    def iter_entities(self, batch_size: int = 10_000) -> Iterator[list[Entity]]:
        """All entities, ordered by id, in pages."""

    def relations_of(self, entity_ids: Sequence[str], limit_per_entity: int) -> list[Fact]:
        """Aggregated facts touching any of ``entity_ids`` in either direction.

        One Fact per (subject, predicate, object): ``count`` = number of support edges,
        ``chunk_id``/``doc_id``/``start``/``end`` from the support with the smallest
        (chunk_id, start); ``hop`` = 1. For each entity at most ``limit_per_entity`` facts are
        kept, the highest count first, then by (subject_id, predicate, object_id). The result is
        ordered by (subject_id, predicate, object_id) without duplicates."""

    def kb_triples_of(
        self, entity_ids: Sequence[str], limit_per_entity: int
    ) -> list[tuple[str, str, str]]:
        """(subject_id, predicate, object_id) of the imported (``kind == "kb"``) facts touching
        any of ``entity_ids``, capped per entity as ``relations_of`` caps facts, sorted, without
        duplicates: what relation paths walk, without the facts' names and citations (the
        relation-example learner reads a whole KB this way)."""

    def all_facts(self) -> list[Fact]:
        """Every aggregated fact, as ``relations_of`` builds them (no cap), ordered by
        (subject_id, predicate, object_id): one whole-store read for a read path that keeps the
        graph in memory (``kgqa.retrieval.snapshot``)."""

    def all_entity_keys(self) -> list[str]:
        """Every key ``find_entities`` can find something under (a key left without an entity
        may be listed too), sorted."""

    def mention_counts(self) -> list[tuple[str, str, int, int]]:
        """(entity_id, chunk_id, mentions, zero-width topic mentions) for every entity-chunk
        pair, ordered: ``entity_chunk_edges()``, ``chunk_entities`` and ``topic_chunks`` of the
        whole store in one read."""

    def entity_chunk_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, int]]:
        """(entity_id, chunk_id, number of mentions) for the given entities (all when None),
        ordered by (entity_id, chunk_id)."""

    def entity_entity_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, float]]:
        """(subject_id, object_id, summed weight) over RELATES edges whose both ends are among
        ``entity_ids`` (all when None), ordered by (subject_id, object_id)."""

    def chunk_entities(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        """Entity ids mentioned in each chunk, sorted; chunks without mentions are absent."""

    def has_relations_of_kind(self, kind: str) -> bool:
        """Whether any relation of this kind ("kb", "syntactic", "cooccurrence") exists."""

    def topic_chunks(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        """For each entity, the chunks of the documents it is the topic of (their title names
        it: a zero-width mention at the chunk start), sorted; entities with none are absent."""

    def stats(self) -> GraphStats: ...

    def version(self) -> int:
        """A number every committed ``write`` and ``delete_documents`` raises (0 for a store
        never written): one indexed read, so a process reads it before each question and
        rebuilds what it derived from the store (PageRank matrix, BM25) when it moved, whichever
        process wrote."""
