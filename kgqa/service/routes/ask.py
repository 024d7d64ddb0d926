"""POST /v1/ask: a cited answer as JSON, or as Server-Sent Events (evidence, tokens, answer)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from fastapi import APIRouter
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse

from kgqa.answering import StreamEvent
from kgqa.errors import KGQAError
from kgqa.service.deadline import answer_within, events_within, retrieve_within
from kgqa.service.dependencies import GUARDED, KG, AdmissionDep, MetricsDep
from kgqa.service.errors import ERROR_RESPONSES, SSE_RESPONSE, error_body
from kgqa.service.schemas import AskRequest, AskResponse, ask_response

router = APIRouter(prefix="/v1", tags=["questions"], dependencies=GUARDED)


@router.post("/ask", response_model=AskResponse, responses={**ERROR_RESPONSES, **SSE_RESPONSE})
async def ask(
    body: AskRequest, kg: KG, admission: AdmissionDep, metrics: MetricsDep
) -> AskResponse | Response:
    """Answers from the evidence only, citing it as [n]; abstains when nothing supports an
    answer. With ``"stream": true``: SSE events "evidence", "token"s, then "answer" (or
    "error"). 503 with Retry-After when busy."""
    history = body.chat_history()
    slot = await admission.admit()
    if not body.stream:
        async with slot:
            answer = await answer_within(kg, slot, metrics, body.question, history, body.top_k)
        return ask_response(answer)
    try:
        evidence = await retrieve_within(kg, slot, metrics, body.question, history, body.top_k)
    except BaseException:
        slot.close()
        raise
    slot.close_if_abandoned()
    return EventSourceResponse(sse_events(events_within(kg, slot, metrics, evidence, history)))


async def sse_events(events: AsyncIterator[StreamEvent]) -> AsyncIterator[dict[str, str]]:
    try:
        async for event in events:
            if event.kind == "evidence":
                items = [
                    {"n": i.n, "kind": i.kind, "id": i.id, "title": i.title} for i in event.items
                ]
                yield {"event": "evidence", "data": json.dumps(items)}
            elif event.kind == "token":
                yield {"event": "token", "data": json.dumps({"text": event.text})}
            elif event.answer is not None:
                yield {"event": "answer", "data": ask_response(event.answer).model_dump_json()}
    except KGQAError as e:
        body = error_body(e).model_dump_json(exclude_none=True)
        yield {"event": "error", "data": body}
