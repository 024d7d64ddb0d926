"""Graph-fused retrieval: link, expand, rank, fuse.

The pieces run in this order for one question:
1. link the question to entities (exact keys, then the entity-name vector index);
2. dense search (FAISS) and keyword search (BM25) over chunks;
3. Personalized PageRank over the entity-chunk graph, restarting at the linked entities and
   at the best dense passages (HippoRAG 2's recipe), ranks chunks by graph connection;
4. k-hop facts around the linked entities, scored against the question;
5. relation-path answers (knowledge-base style) from the linked entities;
6. weighted reciprocal rank fusion of the dense, keyword and graph rankings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kgqa.domain import Fact, Passage
from kgqa.graph.base import GraphStore
from kgqa.retrieval.fusion import reciprocal_rank_fusion
from kgqa.retrieval.graph import GraphRetriever
from kgqa.retrieval.kb import KbAnswer, KbAnswerer
from kgqa.retrieval.linking import EntityLinker, LinkedEntity
from kgqa.retrieval.pagerank import PersonalizedPageRank
from kgqa.settings import RetrievalSettings

logger = logging.getLogger(__name__)

# (question, k) -> [(chunk_id, score)], best first
Search = Callable[[str, int], list[tuple[str, float]]]
# (question, its embedding, k) -> [(chunk_id, score)], best first
DenseSearch = Callable[[str, np.ndarray, int], list[tuple[str, float]]]
EmbedQuery = Callable[[str], np.ndarray]
# (question, its embedding, chunk ids) -> {chunk_id: similarity} for the ids that have vectors
DenseSimilarities = Callable[[str, np.ndarray, Sequence[str]], dict[str, float]]


# How many bridge entities (reached by the best typed facts or named on a question entity's page)
# contribute their pages, and how many of those are chosen per question entity at most.
_BRIDGES = 6
_BRIDGES_PER_ENTITY = 3
# Linked entities scoring below this (a lower-case word in a cased question that happens to
# be a title: "death", "award") rank their pages after the bridges.
_WEAK_LINK = 0.5


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


class GraphFusedRetriever:
    def __init__(
        self,
        store: GraphStore,
        linker: EntityLinker,
        embed_query: EmbedQuery,
        dense: DenseSearch,
        dense_similarities: DenseSimilarities | None,
        keyword: Search | None,
        graph: GraphRetriever,
        pagerank: PersonalizedPageRank | None,
        kb: KbAnswerer | None,
        settings: RetrievalSettings,
        fingerprint: Callable[[], object],
    ) -> None:
        self._store = store
        self._linker = linker
        self._embed_query = embed_query
        self._dense = dense
        self._dense_similarities = dense_similarities
        self._keyword = keyword
        self._graph = graph
        self._pagerank = pagerank
        self._kb = kb
        self._settings = settings
        self._fingerprint = fingerprint

    def link(self, text: str) -> list[LinkedEntity]:
        return self._linker.link(text)

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        context_entities: Sequence[str] = (),
        dense_only: bool = False,
    ) -> Evidence:
        """Evidence for ``question``. ``context_entities`` are names from earlier turns of a
        conversation, linked when the question itself names nobody ("Where was she born?")."""
        s = self._settings
        k = top_k or s.top_k
        clock = _Clock()
        evidence = Evidence(question)
        question_vec = self._embed_query(question)
        clock.lap("embed")
        dense = self._dense(question, question_vec, s.candidates)
        clock.lap("dense")
        if dense_only:
            evidence.passages = self._passages([(c, sc, ("dense",)) for c, sc in dense[:k]])
            clock.lap("fetch")
            evidence.timings_ms = clock.timings
            return evidence

        linked = self._linker.link(question)
        if not linked and context_entities:
            linked = self._linker.link(question, extra_spans=context_entities)
            linked = [le for le in linked if le.how == "exact"]
        evidence.linked = linked
        clock.lap("link")
        keyword = self._keyword(question, s.candidates) if self._keyword else []
        clock.lap("keyword")

        seeds = {le.entity.id: le.score for le in linked}
        evidence.facts = self._graph.retrieve(seeds, question_vec)
        clock.lap("facts")
        topic_ranking = self._topic_ranking(question, question_vec, linked, evidence.facts)
        graph_ranking: list[str] = []
        if self._pagerank is not None and (seeds or dense):
            self._pagerank.refresh(self._fingerprint())
            # Restart mass on passages as well, weighted by dense similarity (HippoRAG 2).
            chunk_seeds = {c: max(score, 0.0) * 0.5 for c, score in dense[:10]}
            ranked = self._pagerank.rank_chunks(seeds, chunk_seeds, top_k=s.candidates)
            graph_ranking = [c for c, _ in ranked]
        clock.lap("pagerank")
        if self._kb is not None and linked:
            evidence.kb_answers = self._kb.answer(question, linked)
        clock.lap("kb")

        fused = reciprocal_rank_fusion(
            {
                "dense": [c for c, _ in dense],
                "keyword": [c for c, _ in keyword],
                "graph": graph_ranking,
                "topic": topic_ranking,
            },
            {
                "dense": s.weight_dense,
                "keyword": s.weight_keyword,
                "graph": s.weight_graph,
                "topic": s.weight_topic,
            },
            k=s.rrf_k,
        )
        evidence.passages = self._passages(fused[:k])
        ends = {e for f in evidence.facts for e in (f.subject_id, f.object_id)}
        evidence.entity_types = {e.id: e.type for e in self._store.get_entities(sorted(ends))}
        clock.lap("fuse")
        evidence.timings_ms = clock.timings
        return evidence

    def _topic_ranking(
        self,
        question: str,
        question_vec: np.ndarray,
        linked: Sequence[LinkedEntity],
        facts: Sequence[Fact],
    ) -> list[str]:
        """Passages about the question's entities (documents titled by them) first, then about
        bridge entities, the multi-hop path through the graph ("the director of film X": X's
        page, then the page of X's director). Bridges are the entities X's best typed facts
        lead to and the entities X's own page names, those with a page of their own, ranked by
        how close that page is to the question, taken in turn from each question entity ("which
        film's director died first, A or B?" needs a bridge from A and one from B). Each
        entity's best page passage comes before any entity's second one."""
        strong = [le.entity.id for le in linked if le.score >= _WEAK_LINK]
        weak = [le.entity.id for le in linked if le.score < _WEAK_LINK]
        if not strong and not weak:
            return []
        own_pages = self._store.topic_chunks(strong + weak)
        seen = set(strong) | set(weak)
        candidates: dict[str, list[str]] = {e: [] for e in strong}
        for fact in facts:  # typed facts, best first, each credited to the entity it hangs from
            if fact.kind == "cooccurrence":
                continue
            ends = (fact.subject_id, fact.object_id)
            for source, end in (ends, ends[::-1]):
                if source in candidates and end not in seen:
                    candidates[source].append(end)
        named = self._store.chunk_entities([c for e in strong for c in own_pages.get(e, ())])
        for e in strong:
            for chunk in own_pages.get(e, ()):
                candidates[e] += [n for n in named.get(chunk, ()) if n not in seen]
        wanted = sorted({c for cs in candidates.values() for c in cs})
        bridge_pages = self._store.topic_chunks(wanted) if wanted else {}
        pages = {**bridge_pages, **own_pages}
        all_chunks = [c for cs in pages.values() for c in cs]
        closeness: dict[str, float] = {}
        if self._dense_similarities is not None and all_chunks:
            closeness = self._dense_similarities(question, question_vec, all_chunks)
        by_closeness = {
            e: sorted(cs, key=lambda c: -closeness.get(c, -1.0)) for e, cs in pages.items()
        }

        def close(e: str) -> float:
            return max((closeness.get(c, -1.0) for c in pages.get(e, ())), default=-1.0)

        per_entity = [
            sorted(dict.fromkeys(c for c in cs if c in bridge_pages), key=close, reverse=True)
            for cs in candidates.values()
        ]
        bridges: list[str] = []
        for _round in range(_BRIDGES_PER_ENTITY):
            for ranked in per_entity:
                pick = next((b for b in ranked if b not in bridges), None)
                if pick is not None and len(bridges) < _BRIDGES:
                    bridges.append(pick)
        order = strong + bridges + weak
        firsts = [by_closeness[e][0] for e in order if by_closeness.get(e)]
        rest = [c for e in order for c in by_closeness.get(e, [])[1:]]
        return list(dict.fromkeys(firsts + rest))

    def _passages(self, ranked: Sequence[tuple[str, float, tuple[str, ...]]]) -> list[Passage]:
        chunks = {c.id: c for c in self._store.get_chunks([cid for cid, _, _ in ranked])}
        titles = {
            d.id: d.title
            for d in self._store.get_documents(sorted({c.doc_id for c in chunks.values()}))
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
