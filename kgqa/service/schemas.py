"""Request and response bodies of the HTTP API; ``kgqa ask --json`` prints the same objects."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kgqa.domain import Answer, Entity, Fact


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(description="The question, in English or Chinese.")
    history: list[Message] = Field(default_factory=list, max_length=50)
    top_k: int | None = Field(default=None, ge=1, le=50)
    stream: bool = False


class CitationOut(BaseModel):
    n: int
    kind: str
    id: str
    doc_id: str
    title: str
    text: str
    start: int
    end: int


class PassageOut(BaseModel):
    chunk_id: str
    doc_id: str
    title: str
    text: str
    start: int
    end: int
    score: float
    sources: list[str]


class FactOut(BaseModel):
    subject_id: str
    subject: str
    predicate: str
    object_id: str
    object: str
    kind: str
    count: int
    chunk_id: str
    doc_id: str
    start: int
    end: int
    hop: int
    score: float


class EntityOut(BaseModel):
    id: str
    name: str
    type: str
    aliases: list[str]


class Node(BaseModel):
    id: str
    name: str
    type: str
    linked: bool = False


class Edge(BaseModel):
    source: str
    target: str
    predicate: str
    count: int
    kind: str


class Subgraph(BaseModel):
    nodes: list[Node]
    edges: list[Edge]


class AskResponse(BaseModel):
    question: str
    answer: str
    abstained: bool
    unsupported: bool
    citations: list[CitationOut]
    passages: list[PassageOut]
    facts: list[FactOut]
    linked_entities: list[EntityOut]
    subgraph: Subgraph
    timings_ms: dict[str, float]


def entity_out(entity: Entity) -> EntityOut:
    return EntityOut(id=entity.id, name=entity.name, type=entity.type, aliases=list(entity.aliases))


def fact_out(fact: Fact) -> FactOut:
    return FactOut(
        subject_id=fact.subject_id,
        subject=fact.subject,
        predicate=fact.predicate,
        object_id=fact.object_id,
        object=fact.object,
        kind=fact.kind,
        count=fact.count,
        chunk_id=fact.chunk_id,
        doc_id=fact.doc_id,
        start=fact.start,
        end=fact.end,
        hop=fact.hop,
        score=fact.score,
    )


def subgraph(
    facts: list[Fact], linked: list[Entity], types: dict[str, str] | None = None
) -> Subgraph:
    types = types or {}
    nodes: dict[str, Node] = {
        e.id: Node(id=e.id, name=e.name, type=e.type, linked=True) for e in linked
    }
    edges = []
    for f in facts:
        for eid, name in ((f.subject_id, f.subject), (f.object_id, f.object)):
            nodes.setdefault(eid, Node(id=eid, name=name, type=types.get(eid, "")))
        edges.append(
            Edge(
                source=f.subject_id,
                target=f.object_id,
                predicate=f.predicate,
                count=f.count,
                kind=f.kind,
            )
        )
    return Subgraph(nodes=list(nodes.values()), edges=edges)


def ask_response(answer: Answer) -> AskResponse:
    return AskResponse(
        question=answer.question,
        answer=answer.text,
        abstained=answer.abstained,
        unsupported=answer.unsupported,
        citations=[CitationOut(**_fields(c)) for c in answer.citations],
        passages=[
            PassageOut(**{**_fields(p), "sources": list(p.sources)}) for p in answer.passages
        ],
        facts=[fact_out(f) for f in answer.facts],
        linked_entities=[entity_out(e) for e in answer.linked_entities],
        subgraph=subgraph(answer.facts, answer.linked_entities, answer.entity_types),
        timings_ms=answer.timings_ms,
    )


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}
