"""Entity-name search: question spans against the entity-name vectors (fuzzy linking)."""

from __future__ import annotations

from collections.abc import Sequence

from kgqa.embedding.factory import Embedders
from kgqa.retrieval.base import Ranked
from kgqa.vectors.base import VectorStore

# Candidates per span; the linker keeps those above its threshold. Set by hand with the first
# query path (0c81f66), not tuned: a misspelt name's entity is the nearest one in the tests.
_CANDIDATES_PER_SPAN = 3


class FaissEntityNameSearch:
    def __init__(self, embedders: Embedders, vectors: VectorStore) -> None:
        self._embedders = embedders
        self._vectors = vectors

    def search(self, spans: Sequence[str]) -> list[Ranked]:
        # The spans' own language picks the space: entity names were indexed by the language
        # of the document that named them.
        space = self._embedders.for_text(" ".join(spans))
        queries = space.queries(list(spans))
        index = self._vectors.entities(space.name, int(queries.shape[1]))
        return index.search(queries, k=_CANDIDATES_PER_SPAN)
