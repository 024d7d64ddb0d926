"""The parts of graph-fused retrieval, each behind a small protocol (``engine`` runs them in
order; ``build`` makes the default ones). A part is replaceable on its own: another vector
store behind ``DenseSearcher``, another graph ranking behind ``GraphRanker``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from kgqa.domain import Fact

if TYPE_CHECKING:
    from kgqa.retrieval.bridge import Bridge
    from kgqa.retrieval.kb import KbAnswer
    from kgqa.retrieval.linking import LinkedEntity
    from kgqa.retrieval.pages import TopicPages
    from kgqa.retrieval.query import Query

# (id, score) pairs, best first.
Ranked = list[tuple[str, float]]


class DenseSearcher(Protocol):
    def search(self, query: Query, k: int) -> Ranked:
        """The ``k`` chunks nearest the question in its embedding space."""

    def similarities(self, query: Query, chunk_ids: Sequence[str]) -> dict[str, float]:
        """Cosine of the question with each of ``chunk_ids`` that has a vector."""


class KeywordSearcher(Protocol):
    def search(self, question: str, k: int) -> Ranked:
        """The ``k`` chunks best matching the question's words."""


class EntityNameSearcher(Protocol):
    def search(self, spans: Sequence[str]) -> list[Ranked]:
        """Per span, (entity id, similarity) candidates from the entity-name vectors."""


class FactExpander(Protocol):
    def expand(self, seeds: Mapping[str, float], query: Query) -> list[Fact]:
        """Scored facts around ``seeds`` (entity id -> link score), best first."""


class TopicRanker(Protocol):
    def rank(
        self,
        query: Query,
        linked: Sequence[LinkedEntity],
        facts: Sequence[Fact],
        pages: TopicPages | None = None,
    ) -> list[str]:
        """Chunk ids of the pages about the question's entities and their bridges
        (``pages``: the question's page reads, shared with the bridge)."""


class Bridger(Protocol):
    def bridge(
        self,
        query: Query,
        linked: Sequence[LinkedEntity],
        first_round: Sequence[str],
        pages: TopicPages | None = None,
    ) -> Bridge:
        """Second-round seeds and chunks from what ``first_round``'s chunks say next to the
        question's entities."""


class GraphRanker(Protocol):
    def rank(self, entity_seeds: Mapping[str, float], dense: Ranked, k: int) -> list[str]:
        """Chunk ids ranked by their connection to the seeds (and the best dense chunks)."""


class KbPathAnswerer(Protocol):
    """``kgqa.retrieval.kb.KbAnswerer``: answers along imported relation paths."""

    def answer(self, question: str, linked: Sequence[LinkedEntity]) -> list[KbAnswer]: ...
