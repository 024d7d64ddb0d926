"""The HTTP API. Everything is built in the lifespan (no globals): ``create_app(settings)``.

Routes: POST /v1/ask (JSON or Server-Sent Events), POST/GET/DELETE /v1/documents,
GET /v1/entities/{id}, POST /v1/chat/completions (OpenAI-compatible), /healthz, /readyz,
/metrics (Prometheus). Optional API key (KGQA_SERVICE__API_KEY): ``Authorization: Bearer <key>``
or ``X-API-Key: <key>`` on every /v1 route.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette.sse import EventSourceResponse

from kgqa.answering import StreamEvent
from kgqa.errors import (
    ConfigError,
    GraphStoreUnavailable,
    InputError,
    KGQAError,
    ModelError,
    NotFoundError,
    ReaderError,
)
from kgqa.reader.base import ChatMessage
from kgqa.service.schemas import (
    AskRequest,
    AskResponse,
    EntityOut,
    FactOut,
    Message,
    ask_response,
    entity_out,
    fact_out,
)
from kgqa.settings import Settings


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    id: str | None = Field(default=None, max_length=512)
    title: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)


class DocumentsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentIn] = Field(min_length=1, max_length=10_000)


class DocumentOut(BaseModel):
    id: str
    title: str
    source: str
    lang: str
    metadata: dict[str, Any]


class EntityWithNeighbours(BaseModel):
    entity: EntityOut
    facts: list[FactOut]


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # clients send temperature, top_p, ...
    model: str = "kgqa"
    messages: list[Message] = Field(min_length=1)
    stream: bool = False


class _Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "kgqa_http_requests_total", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "kgqa_http_request_seconds", "HTTP latency", ["route"], registry=self.registry
        )
        self.answers = Counter(
            "kgqa_answers_total", "Answers by outcome", ["outcome"], registry=self.registry
        )


STATIC = Path(__file__).resolve().parent / "static"

STATUS_BY_ERROR: list[tuple[type[KGQAError], int]] = [
    (InputError, 400),
    (NotFoundError, 404),
    (GraphStoreUnavailable, 503),
    (ReaderError, 503),
    (ModelError, 503),
    (ConfigError, 500),
    (KGQAError, 500),
]


def create_app(settings: Settings | None = None, kg: Any = None) -> FastAPI:
    """The app. Pass ``kg`` (a KGQA) to serve an existing instance (tests, embedding)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from kgqa.api import KGQA

        owned = kg is None
        app.state.kgqa = kg if kg is not None else await asyncio.to_thread(KGQA.open, settings)
        app.state.metrics = _Metrics()
        try:
            yield
        finally:
            if owned:
                app.state.kgqa.close()

    app = FastAPI(
        title="kgqa",
        version="0.1.0",
        description="Knowledge-graph question answering that cites its evidence.",
        lifespan=lifespan,
    )
    api_key = settings.service.api_key.get_secret_value() if settings.service.api_key else ""
    max_body = settings.service.max_body_bytes

    @app.middleware("http")
    async def limits_and_metrics(request: Request, call_next: Callable[..., Any]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_body:
            return JSONResponse(
                {"error": f"request body of {length} bytes exceeds the limit of {max_body}"},
                status_code=413,
            )
        started = time.perf_counter()
        response: Response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        metrics: _Metrics | None = getattr(request.app.state, "metrics", None)
        if metrics is not None:
            metrics.requests.labels(name, str(response.status_code)).inc()
            metrics.latency.labels(name).observe(time.perf_counter() - started)
        return response

    @app.exception_handler(KGQAError)
    async def kgqa_error(_: Request, exc: KGQAError) -> JSONResponse:
        status = next(code for kind, code in STATUS_BY_ERROR if isinstance(exc, kind))
        body: dict[str, Any] = {"error": str(exc), "type": type(exc).__name__}
        partial = getattr(exc, "partial", None)
        if partial is not None:
            body["evidence"] = ask_response(partial).model_dump()
        return JSONResponse(body, status_code=status)

    def authorise(request: Request) -> None:
        if not api_key:
            return
        given = request.headers.get("x-api-key", "")
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            given = given or bearer[7:].strip()
        if not hmac.compare_digest(given.encode(), api_key.encode()):
            raise HTTPException(401, "missing or wrong API key", {"WWW-Authenticate": "Bearer"})

    guarded = [Depends(authorise)]

    def kgqa(request: Request) -> Any:
        return request.app.state.kgqa

    # -- the web page (static files shipped in the package; no Node.js at run time) -------
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    # -- health ----------------------------------------------------------------------------
    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz(request: Request) -> JSONResponse:
        try:
            await asyncio.to_thread(kgqa(request).health)
        except KGQAError as e:
            return JSONResponse({"status": "unavailable", "error": str(e)}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", tags=["health"])
    async def metrics(request: Request) -> Response:
        registry = request.app.state.metrics.registry
        return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    # -- questions ---------------------------------------------------------------------------
    @app.post("/v1/ask", response_model=AskResponse, dependencies=guarded, tags=["questions"])
    async def ask(body: AskRequest, request: Request) -> Any:
        kg = kgqa(request)
        history = [ChatMessage(m.role, m.content) for m in body.history]
        metrics_ = request.app.state.metrics
        if body.stream:
            # Validate and retrieve before the stream starts, so bad input is a plain 4xx.
            evidence = await asyncio.to_thread(kg.retrieve, body.question, body.top_k, history)
            return EventSourceResponse(_sse(kg, evidence, history, metrics_))
        answer = await asyncio.to_thread(kg.ask, body.question, history, body.top_k)
        metrics_.answers.labels("abstained" if answer.abstained else "answered").inc()
        return ask_response(answer)

    # -- documents ---------------------------------------------------------------------------
    @app.post("/v1/documents", dependencies=guarded, tags=["documents"])
    async def add_documents(request: Request) -> dict[str, Any]:
        """JSON ``{"documents": [{"text", "id"?, "title"?, "metadata"?}]}``, or a multipart
        upload with a ``file`` field (txt, md, html, jsonl)."""
        kg = kgqa(request)
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            upload = form.get("file")
            if not isinstance(upload, UploadFile) and not hasattr(upload, "read"):
                raise InputError("multipart upload needs a 'file' field")
            report = await _ingest_upload(kg, upload, str(form.get("title") or ""))
        else:
            try:
                payload = DocumentsIn.model_validate_json(await request.body())
            except ValueError as e:
                raise HTTPException(422, f"invalid documents body: {e}") from e
            report = await asyncio.to_thread(kg.ingest_documents, _documents(payload))
        return report.as_dict()

    @app.get(
        "/v1/documents", response_model=list[DocumentOut], dependencies=guarded, tags=["documents"]
    )
    async def list_documents(
        request: Request,
        offset: int = Query(0, ge=0),
        limit: int = Query(100, ge=1, le=1000),
    ) -> Any:
        docs = await asyncio.to_thread(kgqa(request).list_documents, offset, limit)
        return [_document_out(d) for d in docs]

    @app.get(
        "/v1/documents/{doc_id}",
        response_model=DocumentOut,
        dependencies=guarded,
        tags=["documents"],
    )
    async def get_document(doc_id: str, request: Request) -> Any:
        return _document_out(await asyncio.to_thread(kgqa(request).get_document, doc_id))

    @app.delete("/v1/documents/{doc_id}", dependencies=guarded, tags=["documents"])
    async def delete_document(doc_id: str, request: Request) -> dict[str, Any]:
        removed = await asyncio.to_thread(kgqa(request).delete_documents, [doc_id])
        if not removed.documents:
            raise NotFoundError(f"no document with id {doc_id!r}")
        return {"deleted": doc_id, "chunks": len(removed.chunks), "entities": len(removed.entities)}

    @app.get("/v1/stats", dependencies=guarded, tags=["documents"])
    async def stats(request: Request) -> dict[str, Any]:
        return await asyncio.to_thread(kgqa(request).stats)

    # -- entities ----------------------------------------------------------------------------
    @app.get(
        "/v1/entities/{entity_id}",
        response_model=EntityWithNeighbours,
        dependencies=guarded,
        tags=["entities"],
    )
    async def get_entity(
        entity_id: str, request: Request, limit: int = Query(50, ge=1, le=500)
    ) -> Any:
        entity, facts = await asyncio.to_thread(kgqa(request).entity, entity_id, limit)
        return EntityWithNeighbours(entity=entity_out(entity), facts=[fact_out(f) for f in facts])

    # -- OpenAI-compatible chat --------------------------------------------------------------
    @app.post("/v1/chat/completions", dependencies=guarded, tags=["questions"])
    async def chat_completions(body: ChatCompletionRequest, request: Request) -> Any:
        kg = kgqa(request)
        users = [i for i, m in enumerate(body.messages) if m.role == "user"]
        if not users:
            raise InputError("messages must contain a user message")
        last = users[-1]
        question = body.messages[last].content
        history = [
            ChatMessage(m.role, m.content) for m in body.messages[:last] if m.role != "system"
        ]
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        if body.stream:
            evidence = await asyncio.to_thread(kg.retrieve, question, None, history)
            return EventSourceResponse(
                _chat_sse(kg, evidence, history, completion_id, created, body.model)
            )
        answer = await asyncio.to_thread(kg.ask, question, history)
        response = ask_response(answer)
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": body.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": response.answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "citations": [c.model_dump() for c in response.citations],
        }

    return app


async def _events(kg: Any, evidence: Any, history: list[ChatMessage]) -> AsyncIterator[StreamEvent]:
    """The answerer's stream, produced on a worker thread."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[Any] = asyncio.Queue()
    done = object()

    def produce() -> None:
        try:
            for event in kg.stream(evidence.question, history, evidence=evidence):
                loop.call_soon_threadsafe(queue.put_nowait, event)
        except BaseException as e:  # noqa: BLE001 - handed to the consumer
            loop.call_soon_threadsafe(queue.put_nowait, e)
        finally:
            loop.call_soon_threadsafe(queue.put_nowait, done)

    worker = loop.run_in_executor(None, produce)
    while (item := await queue.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item
    await worker


async def _sse(
    kg: Any, evidence: Any, history: list[ChatMessage], metrics: _Metrics
) -> AsyncIterator[dict[str, str]]:
    try:
        async for event in _events(kg, evidence, history):
            if event.kind == "evidence":
                items = [
                    {"n": i.n, "kind": i.kind, "id": i.id, "title": i.title} for i in event.items
                ]
                yield {"event": "evidence", "data": json.dumps(items)}
            elif event.kind == "token":
                yield {"event": "token", "data": json.dumps({"text": event.text})}
            elif event.answer is not None:
                metrics.answers.labels("abstained" if event.answer.abstained else "answered").inc()
                yield {"event": "answer", "data": ask_response(event.answer).model_dump_json()}
    except KGQAError as e:
        payload: dict[str, Any] = {"error": str(e), "type": type(e).__name__}
        partial = getattr(e, "partial", None)
        if partial is not None:
            payload["evidence"] = ask_response(partial).model_dump()
        yield {"event": "error", "data": json.dumps(payload)}


async def _chat_sse(
    kg: Any, evidence: Any, history: list[ChatMessage], completion_id: str, created: int, model: str
) -> AsyncIterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return json.dumps(
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
        )

    yield chunk({"role": "assistant"})
    try:
        async for event in _events(kg, evidence, history):
            if event.kind == "token":
                yield chunk({"content": event.text})
            elif event.kind == "answer" and event.answer is not None:
                response = ask_response(event.answer)
                # The checked answer may differ from the raw tokens (citations fixed, abstention).
                yield chunk(
                    {},
                    "stop",
                    kgqa_answer=response.answer,
                    citations=[c.model_dump() for c in response.citations],
                )
    except KGQAError as e:
        yield json.dumps({"error": {"message": str(e), "type": type(e).__name__}})
    yield "[DONE]"


def _documents(payload: DocumentsIn) -> list[Any]:
    from ingest.load.base import make_document

    return [
        make_document(d.text, "api", title=d.title, doc_id=d.id, metadata=d.metadata)
        for d in payload.documents
        if d.text.strip()
    ]


async def _ingest_upload(kg: Any, upload: Any, title: str) -> Any:
    import tempfile

    name = Path(getattr(upload, "filename", None) or "upload.txt").name
    data = await upload.read()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        report = await asyncio.to_thread(kg.ingest, [path])
    return report


def _document_out(doc: Any) -> DocumentOut:
    return DocumentOut(
        id=doc.id, title=doc.title, source=doc.source, lang=doc.lang, metadata=doc.metadata
    )
