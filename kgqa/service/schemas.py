"""Request and response bodies of the HTTP API; ``kgqa ask --json`` prints the same objects.

Every input is bounded here, so the OpenAPI schema states the limits the server enforces and a
schema-driven client sends requests the server accepts.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kgqa.domain import Answer, Document, Entity, Fact
from kgqa.reader.base import ChatMessage

MAX_MESSAGE_CHARS = 20_000
# A question's hard ceiling, whatever the settings say; the limit in force is
# ServiceSettings.max_question_chars (at most this), which KGQA enforces and the app's OpenAPI
# schema states (kgqa.service.app.openapi_with_settings).
MAX_QUESTION_CHARS = MAX_MESSAGE_CHARS
MAX_HISTORY_MESSAGES = 50
# A chat front-end sends the whole conversation each turn: the history plus the new question.
MAX_CHAT_MESSAGES = MAX_HISTORY_MESSAGES + 10
MAX_TOP_K = 50
MAX_ID_CHARS = 512
MAX_TITLE_CHARS = 1000
# The request body limit (ServiceSettings.max_body_bytes) bounds a document's text first.
MAX_TEXT_CHARS = 20 * 1024 * 1024
MAX_DOCUMENTS = 10_000
DEFAULT_LIST_LIMIT = 100
# A page of the document list; the store itself takes up to kgqa.graph.base.MAX_LIST_LIMIT.
MAX_LIST_LIMIT = 1000
MAX_ENTITY_FACTS = 500
MODEL_NAME_CHARS = 200


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=MAX_MESSAGE_CHARS)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(
        max_length=MAX_QUESTION_CHARS, description="The question, in English or Chinese."
    )
    history: list[Message] = Field(default_factory=list, max_length=MAX_HISTORY_MESSAGES)
    top_k: int | None = Field(default=None, ge=1, le=MAX_TOP_K)
    stream: bool = False

    def chat_history(self) -> list[ChatMessage]:
        return [ChatMessage(m.role, m.content) for m in self.history]


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    id: str | None = Field(default=None, min_length=1, max_length=MAX_ID_CHARS)
    title: str = Field(default="", max_length=MAX_TITLE_CHARS)
    metadata: dict[str, Any] = Field(default_factory=dict)


class DocumentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentIn] = Field(min_length=1, max_length=MAX_DOCUMENTS)


class ChatCompletionRequest(BaseModel):
    """The OpenAI chat completions request; the other fields clients send (temperature,
    top_p, ...) are accepted and ignored: the reader's settings decide."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(default="kgqa", max_length=MODEL_NAME_CHARS)
    messages: list[Message] = Field(min_length=1, max_length=MAX_CHAT_MESSAGES)
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
    surface: str = ""  # the phrase behind a typed fact's canonical predicate (provenance)


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
    # The answer itself (an entity, a date, "yes"); ``answer`` explains it, citing [n].
    short: str = ""
    answer: str
    abstained: bool
    unsupported: bool
    citations: list[CitationOut]
    passages: list[PassageOut]
    facts: list[FactOut]
    linked_entities: list[EntityOut]
    subgraph: Subgraph
    timings_ms: dict[str, float]


class EntityWithNeighbours(BaseModel):
    entity: EntityOut
    facts: list[FactOut]


class DocumentOut(BaseModel):
    id: str
    title: str
    source: str
    lang: str
    metadata: dict[str, Any]


class LoadProblemOut(BaseModel):
    source: str
    line: int | None
    message: str


class IngestReportOut(BaseModel):
    documents_seen: int
    documents_written: int
    documents_unchanged: int
    documents_failed: int
    chunks: int
    entities: int
    relations: int
    seconds: float
    problems: list[LoadProblemOut]


class DeletedOut(BaseModel):
    deleted: str
    chunks: int
    entities: int


class StatsOut(BaseModel):
    documents: int
    chunks: int
    entities: int
    relations: int
    mentions: int
    vectors: dict[str, int]


class ErrorBody(BaseModel):
    """Every error kgqa raises on purpose, as the body of a 4xx/5xx or an SSE "error" event."""

    error: str
    type: str
    # Set on 503 "busy": seconds after which a retry is likely to be admitted.
    retry_after_s: int | None = None
    # Set when the reader failed or timed out: the evidence found, without an answer.
    evidence: AskResponse | None = None


class OpenAIError(BaseModel):
    message: str
    type: str
    # kgqa's additions, as in ErrorBody.
    retry_after_s: int | None = None
    evidence: AskResponse | None = None


class OpenAIErrorBody(BaseModel):
    """ErrorBody in the shape OpenAI clients read (``error.message``), on /v1/chat and
    /v1/models."""

    error: OpenAIError

    @classmethod
    def of(cls, body: ErrorBody) -> OpenAIErrorBody:
        return cls(
            error=OpenAIError(
                message=body.error,
                type=body.type,
                retry_after_s=body.retry_after_s,
                evidence=body.evidence,
            )
        )


class Health(BaseModel):
    status: str
    error: str | None = None


class ChatMessageOut(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatMessageOut
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    # The reader does not report token counts to the service; zeros keep clients happy.
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage = Field(default_factory=Usage)
    # kgqa's additions: the short answer and what the explanation cites.
    short: str = ""
    citations: list[CitationOut] = Field(default_factory=list)


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "kgqa"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


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
        surface=fact.surface,
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
        short=answer.short,
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


def document_out(doc: Document) -> DocumentOut:
    return DocumentOut(
        id=doc.id, title=doc.title, source=doc.source, lang=doc.lang, metadata=doc.metadata
    )


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}
