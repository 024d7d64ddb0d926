"""Topic ranking: the pages about the question's entities, then about their bridge entities.

The multi-hop path through the graph ("the director of film X": X's page, then the page of X's
director). Bridges are the entities X's best typed facts lead to and the entities X's own page
names, those with a page of their own, ranked by how close that page is to the question, taken
in turn from each question entity ("which film's director died first, A or B?" needs a bridge
from A and one from B). Each entity's best page passage comes before any entity's second one.
Measured in 09ae6ec on the first 400 2Wiki questions: R@5 74.7 -> 84.8, R@2 60.6 -> 65.6.
"""

from __future__ import annotations

from collections.abc import Sequence

from kgqa.domain import Fact
from kgqa.graph.base import GraphReads
from kgqa.retrieval.base import DenseSearcher
from kgqa.retrieval.linking import LinkedEntity
from kgqa.retrieval.pages import TopicPages
from kgqa.retrieval.query import Query

# How many bridge entities contribute their pages, and how many of those are chosen per
# question entity at most (09ae6ec, the 2Wiki run above).
_BRIDGES = 6
_BRIDGES_PER_ENTITY = 3
# Linked entities scoring below this (a lower-case word in a cased question that happens to
# be a title: "death", "award") rank their pages after the bridges; the linker's lower-case
# penalty (0.4 of 0.9) puts such words below it (09ae6ec, the 2Wiki run above).
_WEAK_LINK = 0.5
# Closeness of a chunk without a vector: below any cosine.
_NO_VECTOR = -1.0


class TopicPageRanking:
    def __init__(self, store: GraphReads, dense: DenseSearcher) -> None:
        self._store = store
        self._dense = dense

    def rank(
        self,
        query: Query,
        linked: Sequence[LinkedEntity],
        facts: Sequence[Fact],
        pages: TopicPages | None = None,
    ) -> list[str]:
        """``pages``: this question's page reads, shared with the sentence bridge."""
        read_pages = pages or TopicPages(self._store)
        strong = [le.entity.id for le in linked if le.score >= _WEAK_LINK]
        weak = [le.entity.id for le in linked if le.score < _WEAK_LINK]
        if not strong and not weak:
            return []
        own_pages = read_pages(strong + weak)
        candidates = self._bridge_candidates(strong, weak, facts, own_pages)
        wanted = sorted({c for cs in candidates.values() for c in cs})
        bridge_pages = read_pages(wanted) if wanted else {}
        page_of = {**bridge_pages, **own_pages}
        all_chunks = [c for cs in page_of.values() for c in cs]
        closeness = self._dense.similarities(query, all_chunks) if all_chunks else {}
        by_closeness = {
            e: sorted(cs, key=lambda c: -closeness.get(c, _NO_VECTOR)) for e, cs in page_of.items()
        }

        def close(e: str) -> float:
            return max(
                (closeness.get(c, _NO_VECTOR) for c in page_of.get(e, ())), default=_NO_VECTOR
            )

        per_entity = [
            sorted(dict.fromkeys(c for c in cs if c in bridge_pages), key=close, reverse=True)
            for cs in candidates.values()
        ]
        order = strong + _take_in_turn(per_entity) + weak
        firsts = [by_closeness[e][0] for e in order if by_closeness.get(e)]
        rest = [c for e in order for c in by_closeness.get(e, [])[1:]]
        return list(dict.fromkeys(firsts + rest))

    def _bridge_candidates(
        self,
        strong: list[str],
        weak: list[str],
        facts: Sequence[Fact],
        own_pages: dict[str, list[str]],
    ) -> dict[str, list[str]]:
        """Per strong question entity, the entities its typed facts (best first) lead to, then
        those its own page names; question entities themselves excluded."""
        seen = set(strong) | set(weak)
        candidates: dict[str, list[str]] = {e: [] for e in strong}
        for fact in facts:  # typed facts, best first, each credited to the entity it hangs from
            if not fact.typed:
                continue
            ends = (fact.subject_id, fact.object_id)
            for source, end in (ends, ends[::-1]):
                if source in candidates and end not in seen:
                    candidates[source].append(end)
        named = self._store.chunk_entities([c for e in strong for c in own_pages.get(e, ())])
        for e in strong:
            for chunk in own_pages.get(e, ()):
                candidates[e] += [n for n in named.get(chunk, ()) if n not in seen]
        return candidates


def _take_in_turn(per_entity: list[list[str]]) -> list[str]:
    """Up to ``_BRIDGES`` bridges, one from each question entity's ranking in turn."""
    bridges: list[str] = []
    for _round in range(_BRIDGES_PER_ENTITY):
        for ranked in per_entity:
            pick = next((b for b in ranked if b not in bridges), None)
            if pick is not None and len(bridges) < _BRIDGES:
                bridges.append(pick)
    return bridges
