"""The OpenAI-compatible surface driven by the official `openai` client, as a chat front-end
would: list the models, then chat (plain and streamed) with the one it lists."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kgqa.domain import Answer
from kgqa.service.routes.chat import content

openai = pytest.importorskip("openai")

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

QUESTION = "Where was Marie Curie born?"


@pytest.fixture
def llm(client: TestClient):
    # TestClient is an httpx.Client: the real client sends its real requests to the app.
    return openai.OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client)


def test_models_lists_the_configured_reader(llm, client: TestClient) -> None:
    models = llm.models.list().data
    assert len(models) == 1
    assert models[0].id.startswith("kgqa-") and models[0].owned_by == "kgqa"
    assert client.get("/v1/models").json()["object"] == "list"


def test_chat_completions_plain_and_streamed(llm) -> None:
    model = llm.models.list().data[0].id
    messages = [{"role": "system", "content": "be brief"}, {"role": "user", "content": QUESTION}]
    completion = llm.chat.completions.create(model=model, messages=messages)
    assert completion.model == model and completion.object == "chat.completion"
    text = completion.choices[0].message.content
    assert "Warsaw" in text and completion.choices[0].finish_reason == "stop"

    stream = llm.chat.completions.create(model=model, messages=messages, stream=True)
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "Warsaw" in streamed and chunks[-1].choices[0].finish_reason == "stop"


def test_chat_follow_up_reads_the_conversation(llm) -> None:
    messages = [
        {"role": "user", "content": "Who was Pierre Curie?"},
        {"role": "assistant", "content": "Pierre Curie was a French physicist."},
        {"role": "user", "content": "Where was he born?"},
    ]
    completion = llm.chat.completions.create(model="kgqa", messages=messages)
    assert "Paris" in completion.choices[0].message.content


def test_chat_errors_reach_the_client_as_api_errors(llm) -> None:
    with pytest.raises(openai.BadRequestError, match="user message"):
        llm.chat.completions.create(model="kgqa", messages=[{"role": "system", "content": "x"}])


def test_the_chat_content_is_the_short_answer_then_the_explanation() -> None:
    explained = "Marie Curie was born in Warsaw [1]."
    assert content(Answer("q", explained, short="Warsaw")) == f"Warsaw\n\n{explained}"
    assert content(Answer("q", explained)) == explained
