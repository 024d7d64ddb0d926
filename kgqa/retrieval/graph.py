"""Facts from the graph: k-hop expansion around the linked entities, scored against the question.

A fact's score mixes how well its predicate matches the question (cosine of the predicate,
read as text, embedded in the question's own space), how far it is from the question's
entities, and how much text supports it. Co-occurrence edges carry no predicate meaning, so
they rank below typed relations.

The constants below were set by hand with the first query path (0c81f66) and not tuned since;
every retrieval figure in the README (2Wiki, HotpotQA dev, MetaQA, PathQuestion) was measured
with them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

from kgqa.domain import Fact
from kgqa.graph.base import GraphReads
from kgqa.graph.traversal import k_hop_facts
from kgqa.retrieval.query import Query

# relevance = _TYPED_RELEVANCE + cosine(question, predicate) for a typed fact, and
# _COOCCURRENCE_RELEVANCE for a co-occurrence (below any typed fact whose cosine is > -0.4).
_TYPED_RELEVANCE = 0.5
_COOCCURRENCE_RELEVANCE = 0.1
# Each hop beyond the first keeps this share of the score.
_HOP_DECAY = 0.7
# More supporting chunks help, slowly: x(1 + 0.1 ln(1 + count)), 1.07 at one, 1.24 at ten.
_SUPPORT_BONUS = 0.1


def predicate_text(predicate: str) -> str:
    """Readable predicate: ``__people__person__spouse_s`` -> ``people person spouse s``."""
    return " ".join(predicate.replace("_", " ").replace(".", " ").split())


def predicate_scores(query: Query, predicates: Sequence[str]) -> dict[str, float]:
    """Cosine between the question and each predicate, both in the question's space (whose
    cache remembers predicates: they repeat from question to question)."""
    unique = list(dict.fromkeys(predicates))
    if not unique:
        return {}
    vectors = query.space.texts([predicate_text(p) for p in unique])
    return {p: float(query.vector @ v) for p, v in zip(unique, vectors, strict=True)}


def fact_score(fact: Fact, predicate_similarity: float) -> float:
    relevance = _TYPED_RELEVANCE + predicate_similarity if fact.typed else _COOCCURRENCE_RELEVANCE
    support = 1.0 + _SUPPORT_BONUS * math.log1p(fact.count)
    return relevance * _HOP_DECAY ** (fact.hop - 1) * support


class KHopFactExpansion:
    def __init__(
        self,
        store: GraphReads,
        hops: int = 2,
        fanout: int = 50,
        max_facts: int = 30,
    ) -> None:
        self._store = store
        self._hops = hops
        self._fanout = fanout
        self._max_facts = max_facts

    def expand(self, seeds: Mapping[str, float], query: Query) -> list[Fact]:
        """Scored facts around ``seeds`` (entity id -> link score), best first."""
        if not seeds:
            return []
        facts = k_hop_facts(self._store, list(seeds), self._hops, self._fanout)
        if not facts:
            return []
        sims = predicate_scores(query, [f.predicate for f in facts if f.typed])
        scored = [
            replace(fact, score=round(fact_score(fact, sims.get(fact.predicate, 0.0)), 6))
            for fact in facts
        ]
        scored.sort(key=lambda f: (-f.score, f.hop, f.id))
        return scored[: self._max_facts]
