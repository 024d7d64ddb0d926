"""Graph-fused retrieval: link, expand, rank, fuse.

The parts (``kgqa.retrieval.base``) run in this order for one question:
1. embed the question in its language's space (``Query``);
2. dense search over chunks (FAISS), in that space;
3. link the question to entities (exact keys, then the entity-name vectors);
4. keyword search over chunks (BM25);
5. k-hop facts around the linked entities, scored against the question;
6. topic ranking: the pages of the question's entities and of their bridges;
7. sentence bridge: the first round (dense, keyword and topic fused) is read sentence by
   sentence; the entities named beside the question's own become second-round seeds;
8. Personalized PageRank over the entity-chunk graph, restarting at the linked entities, the
   bridge entities and the best dense passages (HippoRAG 2's recipe), ranks chunks by graph
   connection;
9. relation-path answers (knowledge-base style) from the linked entities;
10. weighted reciprocal rank fusion of the dense, keyword, graph, topic and bridge rankings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from kgqa.domain import Fact, Passage
from kgqa.embedding.factory import Embedders
from kgqa.graph.base import GraphReads, GraphStore
from kgqa.retrieval.base import (
    Bridger,
    DenseSearcher,
    FactExpander,
    GraphRanker,
    KbPathAnswerer,
    KeywordSearcher,
    TopicRanker,
)
from kgqa.retrieval.fusion import reciprocal_rank_fusion
from kgqa.retrieval.kb import KbAnswer
from kgqa.retrieval.linking import EntityLinker, LinkedEntity
from kgqa.retrieval.pages import TopicPages
from kgqa.retrieval.query import Query
from kgqa.retrieval.snapshot import GraphSnapshot
from kgqa.retrieval.store_state import StoreFingerprint
from kgqa.settings import RetrievalSettings

logger = logging.getLogger(__name__)

# With ``distinct_documents``, the top k are chosen from this many times k fused passages.
_DISTINCT_POOL = 3


@dataclass(slots=True)
class Evidence:
    question: str
    linked: list[LinkedEntity] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    kb_answers: list[KbAnswer] = field(default_factory=list)
    # Types of the entities the facts connect (for drawing the evidence graph).
    entity_types: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class _Clock:
    timings: dict[str, float] = field(default_factory=dict)
    _last: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round((now - self._last) * 1000, 2)
        self._last = now


@dataclass(slots=True, frozen=True)
class RetrievalParts:
    """The named steps of ``GraphFusedRetriever.retrieve`` (``kgqa.retrieval.build`` makes
    the default ones)."""

    linker: EntityLinker
    dense: DenseSearcher
    keyword: KeywordSearcher
    facts: FactExpander
    topics: TopicRanker
    bridges: Bridger
    graph: GraphRanker
    kb: KbPathAnswerer


def distinct_documents_first(passages: Sequence[Passage]) -> list[Passage]:
    """Each document's best passage in fused order, then the documents' further passages:
    a second chunk of a page already shown says less than the next page (two chunks of one
    document had taken the slot of the page a bridge question needed)."""
    seen: set[str] = set()
    firsts: list[Passage] = []
    repeats: list[Passage] = []
    for p in passages:
        (repeats if p.doc_id in seen else firsts).append(p)
        seen.add(p.doc_id)
    return firsts + repeats


class GraphFusedRetriever:
    def __init__(
        self,
        store: GraphStore,
        embedders: Embedders,
        parts: RetrievalParts,
        settings: RetrievalSettings,
        snapshot: GraphSnapshot | None = None,
        fingerprint: StoreFingerprint | None = None,
    ) -> None:
        """``snapshot``: the store's graph held in memory, which the parts read through
        (``build_retriever`` gives them the same one); ``fingerprint``: read once per question,
        so all parts see one store version."""
        self._store = store
        self._snapshot = snapshot
        self._reads: GraphReads = snapshot or store
        self._embedders = embedders
        self._parts = parts
        self._settings = settings
        self._fingerprint = fingerprint

    def warm_up(self, question: str) -> None:
        """Load the models and indexes by retrieving ``question``, then hold the store's graph
        in memory for its current version, so the next question runs at full speed."""
        self.retrieve(question)
        if self._snapshot is not None:
            self._snapshot.hold()

    def link(self, text: str) -> list[LinkedEntity]:
        return self._parts.linker.link(text)

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        context_entities: Sequence[str] = (),
        dense_only: bool = False,
    ) -> Evidence:
        """Evidence for ``question``. ``context_entities`` are names from earlier turns of a
        conversation, linked when the question itself names nobody ("Where was she born?")."""
        if self._fingerprint is None:
            return self._retrieve(question, top_k, context_entities, dense_only)
        with self._fingerprint.held():
            return self._retrieve(question, top_k, context_entities, dense_only)

    def _retrieve(
        self,
        question: str,
        top_k: int | None,
        context_entities: Sequence[str],
        dense_only: bool,
    ) -> Evidence:
        s, p = self._settings, self._parts
        k = top_k or s.top_k
        clock = _Clock()
        evidence = Evidence(question)
        query = Query.embed(question, self._embedders)
        clock.lap("embed")
        dense = p.dense.search(query, s.candidates)
        clock.lap("dense")
        if dense_only:
            evidence.passages = self._passages([(c, sc, ("dense",)) for c, sc in dense[:k]])
            clock.lap("fetch")
            evidence.timings_ms = clock.timings
            return evidence

        evidence.linked = linked = self._link(question, context_entities)
        clock.lap("link")
        keyword = p.keyword.search(question, s.candidates)
        clock.lap("keyword")
        seeds = {le.entity.id: le.score for le in linked}
        evidence.facts = p.facts.expand(seeds, query)
        clock.lap("facts")
        pages = TopicPages(self._reads)  # read once for the topic ranking and the bridge
        topic = p.topics.rank(query, linked, evidence.facts, pages)
        clock.lap("topic")
        dense_ids, keyword_ids = [c for c, _ in dense], [c for c, _ in keyword]
        first = self._fuse(dense=dense_ids, keyword=keyword_ids, topic=topic)
        first_round = [c for c, _, _ in first[: s.bridge_first_round]]
        bridge = p.bridges.bridge(query, linked, first_round, pages)
        clock.lap("bridge")
        second_seeds = dict(seeds)
        for entity, activation in bridge.seeds.items():
            weight = activation * s.bridge_seed_weight
            second_seeds[entity] = max(second_seeds.get(entity, 0.0), weight)
        graph = p.graph.rank(second_seeds, dense, s.candidates)
        clock.lap("pagerank")
        evidence.kb_answers = p.kb.answer(question, linked) if linked else []
        clock.lap("kb")
        fused = self._fuse(
            dense=dense_ids, keyword=keyword_ids, graph=graph, topic=topic, bridge=bridge.chunks
        )
        if s.distinct_documents:
            pool = self._passages(fused[: k * _DISTINCT_POOL])
            evidence.passages = distinct_documents_first(pool)[:k]
        else:
            evidence.passages = self._passages(fused[:k])
        evidence.entity_types = self._entity_types(evidence.facts)
        clock.lap("fuse")
        evidence.timings_ms = clock.timings
        return evidence

    def _link(self, question: str, context_entities: Sequence[str]) -> list[LinkedEntity]:
        """The question's entities; a follow-up that names nobody takes the earlier turns'
        entities that match a key exactly."""
        linked = self._parts.linker.link(question)
        if not linked and context_entities:
            linked = self._parts.linker.link(question, extra_spans=context_entities)
            linked = [le for le in linked if le.how == "exact"]
        return linked

    def _fuse(self, **rankings: list[str]) -> list[tuple[str, float, tuple[str, ...]]]:
        s = self._settings
        weights = {
            "dense": s.weight_dense,
            "keyword": s.weight_keyword,
            "graph": s.weight_graph,
            "topic": s.weight_topic,
            "bridge": s.weight_bridge,
        }
        return reciprocal_rank_fusion(rankings, weights, k=s.rrf_k)

    def _entity_types(self, facts: Sequence[Fact]) -> dict[str, str]:
        ends = {e for f in facts for e in (f.subject_id, f.object_id)}
        return {e.id: e.type for e in self._reads.get_entities(sorted(ends))}

    def _passages(self, ranked: Sequence[tuple[str, float, tuple[str, ...]]]) -> list[Passage]:
        chunks = {c.id: c for c in self._reads.get_chunks([cid for cid, _, _ in ranked])}
        titles = {
            d.id: d.title
            for d in self._reads.get_documents(sorted({c.doc_id for c in chunks.values()}))
        }
        passages = []
        for chunk_id, score, sources in ranked:
            chunk = chunks.get(chunk_id)
            if chunk is None:
                continue  # the vector index can briefly lag a delete
            passages.append(
                Passage(
                    chunk_id=chunk.id,
                    doc_id=chunk.doc_id,
                    title=titles.get(chunk.doc_id, ""),
                    text=chunk.text,
                    start=chunk.start,
                    end=chunk.end,
                    score=round(score, 6),
                    sources=sources,
                )
            )
        return passages
