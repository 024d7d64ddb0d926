"""Typed data passed between stages, on both the write and the read path.

Offsets (``start``/``end``) are always character offsets into the owning document's text,
half-open, so ``document.text[start:end]`` is the exact cited span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

RelationKind = Literal["syntactic", "cooccurrence", "kb"]
# Two entities named in one sentence: a relation without predicate meaning. Its kind is
# COOCCURRENCE and its predicate COOCCURS; the read path tests the kind (``Fact.typed``).
COOCCURRENCE: RelationKind = "cooccurrence"
COOCCURS = "co-occurs"


# The type of entities imported from knowledge-base triples.
KB_ENTITY_TYPE = "KB"


@dataclass(slots=True)
class Document:
    id: str
    text: str
    title: str = ""
    source: str = ""
    lang: str = "en"
    metadata: dict[str, Any] = field(default_factory=dict)
    # Hash of title + text + metadata: an unchanged document is skipped on re-ingest.
    content_hash: str = ""


@dataclass(slots=True, frozen=True)
class Chunk:
    id: str  # "<doc_id>#<index>"
    doc_id: str
    index: int
    text: str
    start: int
    end: int


@dataclass(slots=True, frozen=True)
class Mention:
    """One occurrence of an entity in a chunk."""

    entity_id: str
    chunk_id: str
    doc_id: str
    start: int
    end: int
    surface: str
    type: str


@dataclass(slots=True)
class Entity:
    """A resolved entity; ``aliases`` lists the surface forms merged into it."""

    id: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Relation:
    """One piece of support for (subject, predicate, object).

    Each supporting chunk (or knowledge-base line) is its own Relation; the store aggregates
    them, so deleting a document removes exactly its support and nothing else.
    """

    subject_id: str
    predicate: str
    object_id: str
    kind: RelationKind
    doc_id: str
    chunk_id: str = ""  # empty for knowledge-base triples
    start: int = 0
    end: int = 0
    weight: float = 1.0
    # The phrase the extractor found ("married to") when ``predicate`` is its canonical name
    # ("spouse", see ingest/extract/predicates.py); empty for co-occurrences and KB triples.
    surface: str = ""


@dataclass(slots=True)
class GraphBatch:
    """Everything ingest writes for a set of documents; a store writes it in one transaction,
    replacing whatever those documents had before."""

    documents: list[Document] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class Fact:
    """An aggregated triple as the read path sees it, with one supporting chunk if any."""

    subject_id: str
    subject: str
    predicate: str
    object_id: str
    object: str
    kind: RelationKind
    count: int = 1
    chunk_id: str = ""
    doc_id: str = ""
    start: int = 0
    end: int = 0
    hop: int = 1
    score: float = 0.0
    # The phrase behind a typed fact's canonical predicate ("was married to" -> spouse), from
    # its cited support; empty for co-occurrences, KB triples and stores written before it.
    surface: str = ""

    @property
    def id(self) -> str:
        return f"{self.subject_id}|{self.predicate}|{self.object_id}"

    def text(self) -> str:
        return f"{self.subject} {self.predicate} {self.object}"

    @property
    def typed(self) -> bool:
        """A relation with predicate meaning (extracted or imported), not a co-occurrence."""
        return self.kind != COOCCURRENCE


@dataclass(slots=True, frozen=True)
class Passage:
    chunk_id: str
    doc_id: str
    title: str
    text: str
    start: int
    end: int
    score: float = 0.0
    # Which retrievers found it ("dense", "keyword", "graph", "ppr"), for explanations.
    sources: tuple[str, ...] = ()


@dataclass(slots=True, frozen=True)
class Citation:
    """Evidence item ``n`` (1-based, as numbered in the prompt) that the answer cites."""

    n: int
    kind: Literal["passage", "fact"]
    id: str
    doc_id: str
    title: str
    text: str
    start: int = 0
    end: int = 0


@dataclass(slots=True)
class Answer:
    """``short`` is the answer itself (an entity, a date, a number, "yes"/"no", one of the
    options a question compares; empty when abstaining); ``text`` explains it in one or two
    cited sentences."""

    question: str
    text: str
    short: str = ""
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    # Set when the reader produced text whose citations did not check out.
    unsupported: bool = False
    passages: list[Passage] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    linked_entities: list[Entity] = field(default_factory=list)
    entity_types: dict[str, str] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
