"""KGQA's answers within an admitted slot's deadline.

Past the deadline a request gets the evidence found so far and ``ReaderTimeout`` ("the reader
timed out", a 503 whose body carries the evidence) instead of waiting on a slow reader.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import cast

from kgqa.answering import StreamEvent
from kgqa.api import KGQA
from kgqa.domain import Answer
from kgqa.errors import ReaderTimeout
from kgqa.reader.base import ChatMessage
from kgqa.retrieval.engine import Evidence
from kgqa.service.admission import Slot
from kgqa.service.metrics import Metrics


async def answer_within(
    kg: KGQA,
    slot: Slot,
    metrics: Metrics,
    question: str,
    history: Sequence[ChatMessage],
    top_k: int | None,
) -> Answer:
    found: list[Evidence] = []

    def work() -> Answer:
        evidence = kg.retrieve(question, top_k, history)
        found.append(evidence)
        return kg.answer(evidence, history)

    try:
        answer = await slot.run(work)
    except TimeoutError:
        raise timed_out(slot, metrics, found[0] if found else None) from None
    metrics.answered(answer.abstained)
    return answer


async def retrieve_within(
    kg: KGQA,
    slot: Slot,
    metrics: Metrics,
    question: str,
    history: Sequence[ChatMessage],
    top_k: int | None,
) -> Evidence:
    """Retrieval before a stream starts, so bad input is a plain 4xx and not an SSE error."""
    try:
        return await slot.run(kg.retrieve, question, top_k, history)
    except TimeoutError:
        raise timed_out(slot, metrics, None) from None


async def events_within(
    kg: KGQA,
    slot: Slot,
    metrics: Metrics,
    evidence: Evidence,
    history: Sequence[ChatMessage],
) -> AsyncIterator[StreamEvent]:
    """``KGQA.astream`` from ``evidence``, cut at the deadline; closes the slot when done."""
    # An async generator (closed below, so its worker stops feeding it); typed as an iterator.
    events = cast(
        AsyncGenerator[StreamEvent, None],
        kg.astream(evidence.question, history, evidence=evidence),
    )
    try:
        while True:
            try:
                async with asyncio.timeout(slot.remaining_s()):
                    event = await anext(events)
            except StopAsyncIteration:
                return
            except TimeoutError:
                raise timed_out(slot, metrics, evidence) from None
            if event.kind == "answer" and event.answer is not None:
                metrics.answered(event.answer.abstained)
            yield event
    finally:
        await events.aclose()
        slot.close()


def timed_out(slot: Slot, metrics: Metrics, evidence: Evidence | None) -> ReaderTimeout:
    metrics.timeouts.inc()
    if evidence is None:
        return ReaderTimeout(f"the request timed out after {slot.deadline_s:g} s, before retrieval")
    error = ReaderTimeout(
        f"the reader timed out after {slot.deadline_s:g} s; here is the evidence found so far"
    )
    error.partial = evidence_only(evidence)
    return error


def evidence_only(evidence: Evidence) -> Answer:
    """The evidence as an answer without text (abstained), for a reader that did not answer."""
    return Answer(
        question=evidence.question,
        text="",
        abstained=True,
        passages=evidence.passages,
        facts=evidence.facts,
        linked_entities=[le.entity for le in evidence.linked],
        entity_types=evidence.entity_types,
        timings_ms=dict(evidence.timings_ms),
    )
