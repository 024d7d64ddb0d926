"""The graph's relations and mentions held in memory between questions, per store version.

A question's graph reads (the entity keys its n-grams are looked up as, k-hop facts, the pages
and mentions the topic ranking and the sentence bridge look up, PageRank's mention edges) were a
dozen small store queries: on the full 2Wiki store the facts stage alone took 43-54 of 94-108 ms
and linking 31. ``GraphSnapshot`` reads the whole relation and mention sets and the entity keys
once per store version (``GraphStore.all_facts``, ``mention_counts``, ``all_entity_keys``) and
answers the same reads from memory, with the store's exact results (contract test
tests/integration/test_graph_contract.py).

After any process writes, the version moves (read once per question: ``StoreFingerprint.held``)
and the tables are rebuilt in a background thread from the version's second question on; until
they are ready, reads go to the store (same answers). So a write costs a server no stall, and a
process that asks one question (``kgqa ask``) no build. A store with more rows than
``max_rows`` is never copied: its reads go to the store as before.

Example::

    reads = GraphSnapshot(store, fingerprint)
    reads.relations_of(["E1"], 50)  # == store.relations_of(["E1"], 50), from memory
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from kgqa.domain import Chunk, Document, Entity, Fact
from kgqa.graph.base import GraphStore
from kgqa.retrieval.store_state import StoreFingerprint

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(slots=True, frozen=True)
class FactTable:
    """Every aggregated fact, ordered by key, and per entity the indexes of the facts touching
    it, best-supported first (ties by key, i.e. by index): ``relations_of``'s cap is a slice."""

    facts: list[Fact]
    by_entity: dict[str, list[int]]

    @classmethod
    def of(cls, facts: list[Fact]) -> FactTable:
        by_entity: dict[str, list[int]] = {}
        for i, fact in enumerate(facts):
            by_entity.setdefault(fact.subject_id, []).append(i)
            if fact.object_id != fact.subject_id:
                by_entity.setdefault(fact.object_id, []).append(i)
        for indexes in by_entity.values():
            indexes.sort(key=lambda i: (-facts[i].count, i))
        return cls(facts, by_entity)

    def relations_of(self, entity_ids: Sequence[str], limit_per_entity: int) -> list[Fact]:
        kept: set[int] = set()
        for entity in dict.fromkeys(entity_ids):
            kept.update(self.by_entity.get(entity, ())[: max(limit_per_entity, 0)])
        return [self.facts[i] for i in sorted(kept)]


@dataclass(slots=True, frozen=True)
class MentionTable:
    """The entity-chunk mention pairs, indexed both ways, and the topic pages."""

    edges: list[tuple[str, str, int]]  # (entity, chunk, mentions), ordered
    by_entity: dict[str, list[tuple[str, str, int]]]
    by_chunk: dict[str, list[str]]  # chunk -> its entities, sorted
    topic: dict[str, list[str]]  # entity -> chunks with a zero-width topic mention, sorted

    @classmethod
    def of(cls, counts: list[tuple[str, str, int, int]]) -> MentionTable:
        edges: list[tuple[str, str, int]] = []
        by_entity: dict[str, list[tuple[str, str, int]]] = {}
        by_chunk: dict[str, list[str]] = {}
        topic: dict[str, list[str]] = {}
        for entity, chunk, mentions, topic_mentions in sorted(counts):
            edge = (entity, chunk, mentions)
            edges.append(edge)
            by_entity.setdefault(entity, []).append(edge)
            by_chunk.setdefault(chunk, []).append(entity)
            if topic_mentions:
                topic.setdefault(entity, []).append(chunk)
        return cls(edges, by_entity, by_chunk, topic)

    def entity_chunk_edges(self, entity_ids: Sequence[str] | None) -> list[tuple[str, str, int]]:
        if entity_ids is None:
            return list(self.edges)
        wanted = sorted(set(entity_ids))
        return [edge for e in wanted for edge in self.by_entity.get(e, ())]

    def chunk_entities(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        return {c: list(self.by_chunk[c]) for c in dict.fromkeys(chunk_ids) if c in self.by_chunk}

    def topic_chunks(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        return {e: list(self.topic[e]) for e in dict.fromkeys(entity_ids) if e in self.topic}


class _PerVersion(Generic[T]):
    """One value derived from the store for its current version; ``None`` while there is none
    (then the caller reads the store, which gives the same answer).

    With ``background``, a version's value is built in a thread from the second question that
    asks for it (one question asks several times: each hop of the facts, say): a process that
    asks once (``kgqa ask``) never pays the build, and a server's questions after a write read
    the store until the new value is ready instead of waiting for it. Without, the first ask
    builds it (tests). ``now()`` builds it in the caller's thread.
    ``None`` is also the value for a store over the size bound."""

    def __init__(
        self,
        build: Callable[[], T | None],
        fingerprint: StoreFingerprint,
        background: bool,
        name: str,
    ) -> None:
        self._build = build
        self._fingerprint = fingerprint
        self._background = background
        self._name = name
        self._held: tuple[object, T | None] | None = None
        # (version, question) of the last ask without a value: a second question builds
        self._asked: tuple[object, int | None] | None = None
        self._thread: threading.Thread | None = None
        self._state_lock = threading.Lock()
        self._build_lock = threading.Lock()  # one build at a time

    def __call__(self) -> T | None:
        version = self._fingerprint()
        held = self._held
        if held is not None and held[0] == version:
            return held[1]
        if not self._background:
            return self.now(version)
        question = self._fingerprint.question()  # None: each call outside a question counts
        with self._state_lock:
            asked, self._asked = self._asked, (version, question)
            again = asked is not None and asked[0] == version
            other = asked is not None and (question is None or asked[1] != question)
            if again and other and self._thread is None:
                self._thread = threading.Thread(
                    target=self._build_in_thread, args=(version,), name=self._name, daemon=True
                )
                self._thread.start()
        return None

    def now(self, version: object = None) -> T | None:
        """The value for ``version`` (the store's current one by default), built here if no
        build has made it yet."""
        version = self._fingerprint() if version is None else version
        with self._build_lock:
            held = self._held
            if held is None or held[0] != version:
                # Read the version before the data: a write in between only rebuilds again.
                held = self._held = (version, self._build())
        return held[1]

    def wait(self) -> None:
        """Until a background build under way has finished."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def _build_in_thread(self, version: object) -> None:
        try:
            self.now(version)
        except Exception:  # questions keep reading the store; the next ask tries again
            logger.warning("%s: building from the store failed", self._name, exc_info=True)
        finally:
            with self._state_lock:
                self._thread = None


class GraphSnapshot:
    """``GraphReads`` over ``store``: relations, mentions and which entity keys exist from
    memory (see the module's docstring); chunks, entities and relation weights from the store.
    ``max_rows`` bounds the RELATES edges plus mentions copied (README "Retrieval latency" has
    the memory per row)."""

    def __init__(
        self,
        store: GraphStore,
        fingerprint: StoreFingerprint,
        max_rows: int,
        background: bool = True,
    ) -> None:
        """``background``: build each version's tables in a thread, from the second question
        on that version (see ``_PerVersion``); ``hold()`` builds them now."""
        self._store = store
        self._max_rows = max_rows
        self._tables: tuple[_PerVersion[Any], ...] = (
            _PerVersion(self._build_facts, fingerprint, background, "graph snapshot: facts"),
            _PerVersion(self._build_mentions, fingerprint, background, "graph snapshot: mentions"),
            _PerVersion(self._build_keys, fingerprint, background, "graph snapshot: keys"),
        )
        self._facts, self._mentions, self._keys = self._tables
        # Whether the store fits ``max_rows``: counted once per version for the three tables.
        self._fits = _PerVersion(self._measure_fits, fingerprint, False, "graph snapshot: size")

    def hold(self) -> None:
        """Build the tables of the store's current version now (a server's warm-up), and
        wait for any build under way."""
        for table in self._tables:
            table.now()
            table.wait()

    # -- from memory -------------------------------------------------------------------------
    def relations_of(self, entity_ids: Sequence[str], limit_per_entity: int) -> list[Fact]:
        table = self._facts()
        if table is None:
            return self._store.relations_of(entity_ids, limit_per_entity)
        return table.relations_of(entity_ids, limit_per_entity)

    def entity_chunk_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, int]]:
        table = self._mentions()
        if table is None:
            return self._store.entity_chunk_edges(entity_ids)
        return table.entity_chunk_edges(entity_ids)

    def chunk_entities(self, chunk_ids: Sequence[str]) -> dict[str, list[str]]:
        table = self._mentions()
        if table is None:
            return self._store.chunk_entities(chunk_ids)
        return table.chunk_entities(chunk_ids)

    def topic_chunks(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        table = self._mentions()
        if table is None:
            return self._store.topic_chunks(entity_ids)
        return table.topic_chunks(entity_ids)

    def find_entities(self, keys: Sequence[str]) -> dict[str, list[Entity]]:
        """The store's lookup for only the keys it holds: the linker asks every n-gram of the
        question (~100 keys), of which a few exist."""
        known = self._keys()
        if known is None:
            return self._store.find_entities(keys)
        held = [k for k in dict.fromkeys(keys) if k in known]
        return self._store.find_entities(held) if held else {}

    # -- from the store ----------------------------------------------------------------------
    def get_chunks(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        return self._store.get_chunks(chunk_ids)

    def get_entities(self, entity_ids: Sequence[str]) -> list[Entity]:
        return self._store.get_entities(entity_ids)

    def get_documents(self, doc_ids: Sequence[str]) -> list[Document]:
        return self._store.get_documents(doc_ids)

    def entity_entity_edges(
        self, entity_ids: Sequence[str] | None = None
    ) -> list[tuple[str, str, float]]:
        return self._store.entity_entity_edges(entity_ids)

    # -- building ----------------------------------------------------------------------------
    def _measure_fits(self) -> bool:
        stats = self._store.stats()
        rows = stats.relations + stats.mentions
        if rows > self._max_rows:
            logger.info("graph snapshot off: %d rows over the bound of %d", rows, self._max_rows)
            return False
        return True

    def _build_facts(self) -> FactTable | None:
        return self._timed("facts", lambda: FactTable.of(self._store.all_facts()), _facts)

    def _build_keys(self) -> frozenset[str] | None:
        return self._timed("entity keys", lambda: frozenset(self._store.all_entity_keys()), len)

    def _build_mentions(self) -> MentionTable | None:
        return self._timed(
            "mention pairs", lambda: MentionTable.of(self._store.mention_counts()), _edges
        )

    def _timed(self, what: str, build: Callable[[], T], size: Callable[[T], int]) -> T | None:
        """``build()`` where the store fits the bound (measured once per version), logged."""
        if not self._fits():
            return None
        started = time.perf_counter()
        value = build()
        logger.info(
            "graph snapshot: %d %s in %.2f s", size(value), what, time.perf_counter() - started
        )
        return value


def _facts(table: FactTable) -> int:
    return len(table.facts)


def _edges(table: MentionTable) -> int:
    return len(table.edges)
