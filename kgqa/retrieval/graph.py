"""Facts from the graph: k-hop expansion around the linked entities, scored against the question.

A fact's score mixes how well its predicate matches the question (cosine of cached predicate
embeddings), how far it is from the question's entities, and how much text supports it.
Co-occurrence edges carry no predicate meaning, so they rank below typed relations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from kgqa.domain import Fact
from kgqa.embedding.text_cache import EmbedTexts
from kgqa.graph.base import GraphStore
from kgqa.graph.traversal import k_hop_facts

COOCCURS = "co-occurs"


def predicate_text(predicate: str) -> str:
    """Readable predicate: ``__people__person__spouse_s`` -> ``people person spouse s``."""
    return " ".join(predicate.replace("_", " ").replace(".", " ").split())


class PredicateScorer:
    """Cosine between the question and predicates, read as text (``predicate_text``). Give it
    an ``embed`` that remembers (``CachedTexts``): predicates repeat from question to question."""

    def __init__(self, embed: EmbedTexts) -> None:
        self._embed = embed

    def vectors(self, predicates: Sequence[str]) -> dict[str, np.ndarray]:
        unique = list(dict.fromkeys(predicates))
        if not unique:
            return {}
        vectors = self._embed([predicate_text(p) for p in unique])
        return dict(zip(unique, vectors, strict=True))

    def scores(self, question_vec: np.ndarray, predicates: Sequence[str]) -> dict[str, float]:
        vecs = self.vectors(predicates)
        return {p: float(np.dot(question_vec, v)) for p, v in vecs.items()}


class GraphRetriever:
    def __init__(
        self,
        store: GraphStore,
        scorer: PredicateScorer | None,
        hops: int = 2,
        fanout: int = 50,
        max_facts: int = 30,
    ) -> None:
        self._store = store
        self._scorer = scorer
        self._hops = hops
        self._fanout = fanout
        self._max_facts = max_facts

    def retrieve(
        self,
        seeds: dict[str, float],
        question_vec: np.ndarray | None,
        hops: int | None = None,
    ) -> list[Fact]:
        """Scored facts around ``seeds`` (entity id -> link score), best first."""
        if not seeds:
            return []
        facts = k_hop_facts(self._store, list(seeds), hops or self._hops, self._fanout)
        if not facts:
            return []
        typed = [f.predicate for f in facts if f.predicate != COOCCURS]
        sims: dict[str, float] = {}
        if self._scorer is not None and question_vec is not None and typed:
            sims = self._scorer.scores(question_vec, typed)
        scored = []
        for fact in facts:
            relevance = 0.1 if fact.predicate == COOCCURS else 0.5 + sims.get(fact.predicate, 0.0)
            score = relevance * 0.7 ** (fact.hop - 1) * (1.0 + 0.1 * math.log1p(fact.count))
            scored.append(replace(fact, score=round(score, 6)))
        scored.sort(key=lambda f: (-f.score, f.hop, f.id))
        return scored[: self._max_facts]
