"""Back-pressure and deadlines, with a real slow reader (the extractive reader made to take its
time) over the real sample store: past the answer slots and the queue a question gets 503 +
Retry-After at once; past the deadline the evidence comes back with "the reader timed out"."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator, Sequence

import pytest
from fastapi.testclient import TestClient

from kgqa.api import KGQA
from kgqa.reader.base import ChatPrompt
from kgqa.reader.extractive import ExtractiveReader
from kgqa.service.app import create_app
from kgqa.settings import Settings
from tests.e2e.sse import sse_events

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

QUESTION = "Where was Marie Curie born?"


class SlowReader(ExtractiveReader):
    """The extractive reader's answer, after ``seconds`` (a CPU-bound LLM on a busy machine)."""

    name = "slow-extractive"

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        time.sleep(self.seconds)
        return super().generate(prompts, max_new_tokens)

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        for piece in super().stream(prompt, max_new_tokens):
            time.sleep(self.seconds / 4)
            yield piece


@pytest.fixture
def slow_reader(sample_kg: KGQA) -> Iterator[SlowReader]:
    reader = SlowReader(2.0)
    sample_kg.use_reader(reader)
    yield reader
    reader.seconds = 0.0  # work left running past a deadline ends now
    sample_kg.use_reader(ExtractiveReader())


def _app(kg: KGQA, **service: object) -> TestClient:
    section = kg.settings.service.model_copy(update=service)
    settings: Settings = kg.settings.model_copy(update={"service": section})
    return TestClient(create_app(settings, kg=kg))


def _metric(client: TestClient, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", client.get("/metrics").text, re.M)
    assert found, name
    return float(found.group(1))


def _wait_for(predicate, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def test_past_the_slots_and_queue_every_answer_route_says_503_retry_after_at_once(
    sample_kg: KGQA, slow_reader: SlowReader
) -> None:
    with _app(sample_kg, max_concurrent_answers=1, max_waiting_answers=1) as c:
        results: list[int] = []
        ask = lambda: results.append(c.post("/v1/ask", json={"question": QUESTION}).status_code)  # noqa: E731
        first = threading.Thread(target=ask)
        first.start()
        _wait_for(lambda: _metric(c, "kgqa_answers_running") == 1)
        second = threading.Thread(target=ask)  # waits in the queue
        second.start()
        _wait_for(lambda: _metric(c, "kgqa_answers_waiting") == 1)

        chat = {"messages": [{"role": "user", "content": QUESTION}]}
        for path, body in [
            ("/v1/ask", {"question": QUESTION}),
            ("/v1/ask", {"question": QUESTION, "stream": True}),
            ("/v1/chat/completions", chat),
            ("/v1/chat/completions", {**chat, "stream": True}),
        ]:
            started = time.monotonic()
            r = c.post(path, json=body)
            assert time.monotonic() - started < 1.0, "a refusal must not wait"
            assert r.status_code == 503, (path, r.text)
            retry = int(r.headers["retry-after"])
            assert 1 <= retry <= 120
            body = r.json()
            # The chat route answers in the shape OpenAI clients read: {"error": {"message"..}}.
            error = body["error"] if path.startswith("/v1/chat") else body
            message = error["message"] if path.startswith("/v1/chat") else error["error"]
            assert error["type"] == "ServiceBusy" and error["retry_after_s"] == retry
            assert f"retry in {retry} s" in message
        assert _metric(c, "kgqa_answers_rejected_total") == 4
        first.join()
        second.join()
        assert results == [200, 200]
        # The slots are free again.
        assert c.post("/v1/ask", json={"question": QUESTION}).status_code == 200
        assert _metric(c, "kgqa_answers_running") == 0
        assert _metric(c, "kgqa_answers_waiting") == 0


def test_past_the_deadline_the_evidence_comes_back_with_the_reader_timed_out(
    sample_kg: KGQA, slow_reader: SlowReader
) -> None:
    slow_reader.seconds = 6.0
    with _app(sample_kg, answer_timeout_s=1.5) as c:
        started = time.monotonic()
        r = c.post("/v1/ask", json={"question": QUESTION})
        took = time.monotonic() - started
        assert r.status_code == 503 and took < 4.0, (r.status_code, took)
        body = r.json()
        assert body["type"] == "ReaderTimeout"
        assert body["error"].startswith("the reader timed out after 1.5 s")
        evidence = body["evidence"]
        assert evidence["abstained"] and evidence["answer"] == ""
        assert any("Warsaw" in p["text"] for p in evidence["passages"])
        assert "Marie Curie" in {e["name"] for e in evidence["linked_entities"]}

        started = time.monotonic()
        with c.stream("POST", "/v1/ask", json={"question": QUESTION, "stream": True}) as s:
            assert s.status_code == 200
            events = sse_events(s.iter_lines())
        assert time.monotonic() - started < 4.0
        kinds = [k for k, _ in events]
        assert kinds[0] == "evidence" and kinds[-1] == "error" and "answer" not in kinds
        error = json.loads(events[-1][1])
        assert error["type"] == "ReaderTimeout" and "timed out" in error["error"]
        assert error["evidence"]["passages"]
        assert _metric(c, "kgqa_answers_timeouts_total") == 2
