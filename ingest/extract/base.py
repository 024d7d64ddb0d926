"""What extractors produce, per chunk, before resolution assigns entity ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from kgqa.domain import COOCCURRENCE, COOCCURS, Chunk, RelationKind

TOPIC = "TOPIC"


@dataclass(slots=True, frozen=True)
class RawMention:
    chunk_id: str
    doc_id: str
    start: int  # document offsets; a topic mention has start == end == chunk.start
    end: int
    surface: str
    type: str


@dataclass(slots=True, frozen=True)
class RawRelation:
    subject: int  # index into the chunk's mentions
    predicate: str
    object: int
    kind: RelationKind  # never "kb": extractors read text
    start: int  # the supporting sentence, document offsets
    end: int
    weight: float = 1.0
    surface: str = ""  # the phrase found, when ``predicate`` is its canonical name


@dataclass(slots=True)
class ChunkExtraction:
    chunk_id: str
    doc_id: str
    mentions: list[RawMention] = field(default_factory=list)
    relations: list[RawRelation] = field(default_factory=list)


class EntityExtractor(Protocol):
    lang: str

    def warm_up(self) -> None: ...

    def extract(
        self, chunks: Sequence[Chunk], titles: Mapping[str, str] | None = None
    ) -> list[ChunkExtraction]:
        """One extraction per chunk, in order. ``titles`` maps doc_id -> title: the title is
        the document's topic entity, mentioned by every chunk."""


def cooccurrences(
    mention_ids: Sequence[int], start: int, end: int, max_entities: int = 12
) -> list[RawRelation]:
    """One co-occurrence edge per pair of distinct mentions of a sentence."""
    ids = list(dict.fromkeys(mention_ids))[:max_entities]
    return [
        RawRelation(a, COOCCURS, b, COOCCURRENCE, start, end)
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    ]
