"""Sentence bridge: the entities the first-round evidence names next to the question's own.

LinearRAG's activation (Zhuang et al., ICLR 2026), one round, on the graph the write path
already has (entity mentions per chunk) and without titles:

1. the question's linked entities activate the sentences of the first-round chunks that
   mention them (a sentence of a chunk that mentions the entity elsewhere counts for less:
   "She", "The film" refer back to it);
2. each activated sentence is scored by its cosine with the question, in the question's space;
3. the other named entities of those sentences become *bridge* entities, each with the best
   (activation x sentence score x decay) over the sentences naming it;
4. the bridge ranking is the path to the bridges: the first-round chunks whose sentences
   named them, then per bridge (in activation order) its own page where the store knows one,
   then its other chunks by dense similarity to the question (one chunk per bridge in turn,
   then the seconds); the bridge entities seed the second-round PageRank at their activation.

"Where is the publisher of X's first novel based?": X's page is first-round evidence, its
sentence "Her first novel ... was published by Two Dollar Radio" is close to the question, so
Two Dollar Radio's chunks (its own page among them, which names it) rank next.

The constants below were set by hand (2026-12-02), not tuned, and measured together with the
weights in RetrievalSettings (README, "Retrieval: sentence bridge and embedders"): R@5 on 150
2Wiki questions 89.8 -> 91.0, on hotpotqa-dev 87.7 -> 86.8; with the own page, the path's
starts, 3 first-round chunks and weight 2 (2026-12-02, second session) 94.0 and 89.6.
Attributes (NORP, LANGUAGE) kept out of the bridges and ties broken by closeness (2026-12-02,
fourth session, same store and questions, one run each): hotpotqa-dev 90.57 -> 93.40, 2Wiki
sample-50 store (99 questions with their gold pages in it) 86.87 -> 87.12.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kgqa.domain import Entity
from kgqa.graph.base import GraphReads
from kgqa.retrieval.base import DenseSearcher
from kgqa.retrieval.linking import LinkedEntity
from kgqa.retrieval.pages import TopicPages
from kgqa.retrieval.query import Query
from kgqa.retrieval.sentence_vectors import SentenceScores
from kgqa.vectors.sentences import sentences

__all__ = ["Bridge", "SentenceBridging", "names_in", "sentences"]
# Entity types of the write path that are values, not things with a page or a neighbourhood.
_VALUE_TYPES = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"})
# Nor are these bridges: attributes ("English", "Soviet", "Catholic", "French" the language)
# that describe the question's entities rather than lead on from them.
_ATTRIBUTE_TYPES = frozenset({"NORP", "LANGUAGE"})
_NOT_BRIDGES = _VALUE_TYPES | _ATTRIBUTE_TYPES
# Activation of a sentence that does not itself name the question entity, but whose chunk
# does (a pronoun or "the film" refers back to it).
_CHUNK_ONLY = 0.6
# A bridge keeps this share of the activation of the sentence that names it (LinearRAG's
# decay between rounds).
_DECAY = 0.5
# Sentences scoring below this cosine with the question activate nothing.
_MIN_SENTENCE = 0.2
# Bridges taken per question; entities mentioned in more chunks than this are too common to
# lead anywhere in particular ("the United States", "American") and are never bridges.
_BRIDGES = 8
_MAX_CHUNKS_PER_BRIDGE = 40
# Bridge chunks ranked per bridge entity (its best ones by similarity).
_CHUNKS_PER_BRIDGE = 2
# Closeness of a chunk without a vector: below any cosine.
_NO_VECTOR = -1.0


@dataclass(slots=True)
class Bridge:
    """What the second round gets: bridge entity -> activation (PageRank seeds), and chunks
    ranked by the bridges (a fusion ranking)."""

    seeds: dict[str, float] = field(default_factory=dict)
    chunks: list[str] = field(default_factory=list)


def names_in(sentence: str, entity: Entity) -> bool:
    """Whether ``sentence`` writes the entity's name or an alias, as whole words."""
    lowered = sentence.lower()
    for surface in {entity.name, *entity.aliases}:
        s = surface.lower().strip()
        if len(s) < 2:
            continue
        start = lowered.find(s)
        while start >= 0:
            end = start + len(s)
            before = lowered[start - 1] if start else " "
            after = lowered[end] if end < len(lowered) else " "
            if not before.isalnum() and not after.isalnum():
                return True
            start = lowered.find(s, start + 1)
    return False


class SentenceBridging:
    """``scores`` gives the sentences' cosines with the question (stored vectors, else embedded
    now: ``kgqa.retrieval.sentence_vectors``)."""

    def __init__(
        self, store: GraphReads, dense: DenseSearcher, scores: SentenceScores | None = None
    ) -> None:
        self._store = store
        self._dense = dense
        self._scores = scores or SentenceScores(None)

    def bridge(
        self,
        query: Query,
        linked: Sequence[LinkedEntity],
        first_round: Sequence[str],
        pages: TopicPages | None = None,
    ) -> Bridge:
        """``pages``: the question's page reads so far (the topic ranking's), shared."""
        if not linked or not first_round:
            return Bridge()
        mentioned = self._store.chunk_entities(list(first_round))
        entities = {
            e.id: e
            for e in self._store.get_entities(sorted({e for es in mentioned.values() for e in es}))
        }
        activation, source = self._activate(query, linked, first_round, mentioned, entities)
        if not activation:
            return Bridge()
        chunks_of = self._chunks_of(sorted(activation))
        eligible = [
            e for e in activation if 0 < len(chunks_of.get(e, ())) <= _MAX_CHUNKS_PER_BRIDGE
        ]
        if not eligible:
            return Bridge()
        candidates = sorted({c for e in eligible for c in chunks_of[e]})
        closeness = self._dense.similarities(query, candidates) if candidates else {}

        def close(e: str) -> float:  # where the bridge leads: its chunks beyond the first round
            ahead = (closeness.get(c, _NO_VECTOR) for c in chunks_of[e] if c not in first_round)
            return max(ahead, default=_NO_VECTOR)

        # Bridges named in one sentence tie on activation; the one leading closer to the
        # question goes first (ids decided before).
        bridges = sorted(eligible, key=lambda e: (-activation[e], -close(e), e))[:_BRIDGES]
        return Bridge(
            seeds={e: activation[e] for e in bridges},
            chunks=self._bridge_chunks(
                bridges,
                chunks_of,
                closeness,
                starts=[c for c in first_round if c in {source[e] for e in bridges}],
                pages=pages or TopicPages(self._store),
            ),
        )

    def _activate(
        self,
        query: Query,
        linked: Sequence[LinkedEntity],
        first_round: Sequence[str],
        mentioned: Mapping[str, Sequence[str]],
        entities: Mapping[str, Entity],
    ) -> tuple[dict[str, float], dict[str, str]]:
        """Bridge entity -> best activation over the sentences that name it, and the chunk of
        that sentence (where the path to the bridge starts). A question entity
        counts as named where its name or an alias is written (whatever entity id the write
        path resolved that mention to), and its chunk is its own where the store says so."""
        seeds = {le.entity.id: le.score for le in linked}
        chunks = {c.id: c for c in self._store.get_chunks(list(first_round))}
        # (sentence, question-entity activation, the other entities it names, its chunk)
        activated: list[tuple[str, float, list[str], str]] = []
        for chunk_id in first_round:
            chunk = chunks.get(chunk_id)
            if chunk is None:
                continue
            here = [entities[e] for e in mentioned.get(chunk_id, ()) if e in entities]
            others_here = [e for e in here if e.id not in seeds and e.type not in _NOT_BRIDGES]
            if not others_here:
                continue
            split = sentences(chunk.text)
            own = [
                max((le.score for le in linked if names_in(t, le.entity)), default=0.0)
                for t in split
            ]
            in_chunk = max([*own, *(seeds.get(e.id, 0.0) for e in here)], default=0.0)
            for text, own_score in zip(split, own, strict=True):
                weight = max(own_score, _CHUNK_ONLY * in_chunk)
                others = [e.id for e in others_here if names_in(text, e)]
                if weight > 0 and others:
                    activated.append((text, weight, others, chunk_id))
        if not activated:
            return {}, {}
        similarity = self._scores.scores(query, [(c, t) for t, _, _, c in activated])
        activation: dict[str, float] = {}
        source: dict[str, str] = {}
        for (_, weight, others, chunk_id), sim in zip(activated, similarity, strict=True):
            if sim < _MIN_SENTENCE:
                continue
            score = float(sim) * weight * _DECAY
            for e in others:
                if score > activation.get(e, 0.0):
                    activation[e], source[e] = score, chunk_id
        return activation, source

    def _chunks_of(self, entity_ids: Sequence[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for entity, chunk, _count in self._store.entity_chunk_edges(list(entity_ids)):
            out.setdefault(entity, []).append(chunk)
        return out

    def _bridge_chunks(
        self,
        bridges: Sequence[str],
        chunks_of: Mapping[str, Sequence[str]],
        closeness: Mapping[str, float],
        starts: Sequence[str],
        pages: TopicPages,
    ) -> list[str]:
        """The paths to the bridges: first the first-round chunks whose sentences named them
        (``starts``, in first-round order), then per bridge (in activation order) its own page
        (the chunks the store holds as about it, where documents have titles) and its chunks
        closest to the question, each bridge's best before any bridge's second. The starts
        lead so that a one-hop question ("Where was Marie Curie born?", her page naming Pierre
        Curie) keeps its own page above the bridge's (tests/integration/test_retrieval.py)."""
        own_pages = pages(bridges)

        def best(entity: str) -> list[str]:
            own = set(own_pages.get(entity, ()))
            return sorted(
                chunks_of.get(entity, ()),
                key=lambda c: (c not in own, -closeness.get(c, _NO_VECTOR), c),
            )[:_CHUNKS_PER_BRIDGE]

        ranked = [best(e) for e in bridges]
        order = [cs[i] for i in range(_CHUNKS_PER_BRIDGE) for cs in ranked if len(cs) > i]
        return list(dict.fromkeys([*starts, *order]))
