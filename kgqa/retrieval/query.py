"""A question with its vector and the space the vector lives in."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kgqa.embedding.factory import Embedders
from kgqa.embedding.space import EmbeddingSpace


@dataclass(slots=True, frozen=True, eq=False)
class Query:
    """What every retrieval part receives. Anything compared with ``vector`` (passages,
    predicates) is embedded or indexed by ``space``, so the two are the same by construction:
    a Chinese question is never scored against English-model vectors."""

    text: str
    space: EmbeddingSpace
    vector: np.ndarray
    # Cosines of passages with ``vector`` known so far (dense search fills it; the topic
    # ranking and the bridge ask again for many of the same chunks: one store read saved).
    passage_cosines: dict[str, float] = field(default_factory=dict, repr=False)

    @classmethod
    def embed(cls, text: str, embedders: Embedders) -> Query:
        space = embedders.for_text(text)
        return cls(text, space, space.query(text))
