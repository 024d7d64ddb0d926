"""The OpenAI-compatible surface chat front-ends expect: GET /v1/models (the configured reader
as the one model) and POST /v1/chat/completions (plain or streamed)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sse_starlette.sse import EventSourceResponse

from kgqa.answering import StreamEvent
from kgqa.domain import Answer
from kgqa.errors import InputError, KGQAError
from kgqa.reader.base import ChatMessage
from kgqa.service.deadline import answer_within, events_within, retrieve_within
from kgqa.service.dependencies import GUARDED, KG, AdmissionDep, MetricsDep, SettingsDep
from kgqa.service.errors import OPENAI_ERROR_RESPONSES, SSE_RESPONSE, error_body
from kgqa.service.schemas import (
    ChatChoice,
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessageOut,
    ModelList,
    ModelOut,
    OpenAIErrorBody,
    ask_response,
)
from kgqa.settings import ReaderSettings

router = APIRouter(
    prefix="/v1", tags=["chat"], dependencies=GUARDED, responses=OPENAI_ERROR_RESPONSES
)

# When the process started: the "created" of the one model.
STARTED = int(time.time())


@router.get("/models", response_model=ModelList)
async def models(settings: SettingsDep) -> ModelList:
    return ModelList(data=[ModelOut(id=reader_model_id(settings.reader), created=STARTED)])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={**OPENAI_ERROR_RESPONSES, **SSE_RESPONSE},
)
async def chat_completions(
    body: ChatCompletionRequest, kg: KG, admission: AdmissionDep, metrics: MetricsDep
) -> ChatCompletion | Response:
    """The last user message is the question, the messages before it the history (system
    messages are ignored: the answer prompt is kgqa's). The content is the short answer, then
    its cited explanation."""
    question, history = _question_and_history(body)
    completion = Completion(f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time()), body.model)
    slot = await admission.admit()
    if not body.stream:
        async with slot:
            answer = await answer_within(kg, slot, metrics, question, history, None)
        return completion.whole(answer)
    try:
        evidence = await retrieve_within(kg, slot, metrics, question, history, None)
    except BaseException:
        slot.close()
        raise
    slot.close_if_abandoned()
    events = events_within(kg, slot, metrics, evidence, history)
    return EventSourceResponse(completion.chunks(events))


def reader_model_id(reader: ReaderSettings) -> str:
    """The reader as a model name: ``kgqa-<backend>`` plus the model it runs, if any."""
    if reader.backend == "extractive":
        return "kgqa-extractive"
    if reader.backend == "openai":
        return f"kgqa-openai-{reader.openai_model}"
    model = reader.model_path.stem if reader.model_path else "SmolLM2-135M-Instruct"
    return f"kgqa-{reader.backend}-{model}"


def _question_and_history(body: ChatCompletionRequest) -> tuple[str, list[ChatMessage]]:
    users = [i for i, m in enumerate(body.messages) if m.role == "user"]
    if not users:
        raise InputError("messages must contain a user message")
    last = users[-1]
    history = [ChatMessage(m.role, m.content) for m in body.messages[:last] if m.role != "system"]
    return body.messages[last].content, history


def content(answer: Answer) -> str:
    """The short answer first (what a chat user wants to read), then the cited explanation."""
    return f"{answer.short}\n\n{answer.text}" if answer.short else answer.text


class Completion:
    """One chat completion's id, time and model, shared by all of its chunks."""

    def __init__(self, completion_id: str, created: int, model: str) -> None:
        self.id = completion_id
        self.created = created
        self.model = model

    def whole(self, answer: Answer) -> ChatCompletion:
        response = ask_response(answer)
        return ChatCompletion(
            id=self.id,
            created=self.created,
            model=self.model,
            choices=[ChatChoice(message=ChatMessageOut(content=content(answer)))],
            short=answer.short,
            citations=response.citations,
        )

    async def chunks(self, events: AsyncIterator[StreamEvent]) -> AsyncIterator[str]:
        """The reader's tokens as they come; the last chunk carries the checked answer, its
        short form and citations (the checked text may differ from the tokens: citations fixed,
        or an abstention)."""
        yield self._chunk({"role": "assistant"})
        try:
            async for event in events:
                if event.kind == "token":
                    yield self._chunk({"content": event.text})
                elif event.kind == "answer" and event.answer is not None:
                    response = ask_response(event.answer)
                    yield self._chunk(
                        {},
                        "stop",
                        kgqa_answer=response.answer,
                        short=response.short,
                        citations=[c.model_dump() for c in response.citations],
                    )
        except KGQAError as e:
            yield OpenAIErrorBody.of(error_body(e)).model_dump_json(exclude_none=True)
        yield "[DONE]"

    def _chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        return json.dumps(
            {
                "id": self.id,
                "object": "chat.completion.chunk",
                "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
        )
