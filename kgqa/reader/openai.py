"""Any OpenAI-compatible chat server (vLLM, Ollama, llama.cpp server, ...), over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx

from kgqa.errors import ReaderError, ReaderTimeout
from kgqa.reader.base import ChatPrompt


class OpenAIReader:
    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout_s: float = 60.0,
        temperature: float = 0.0,
        max_concurrency: int = 8,
    ) -> None:
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_s
        self._temperature = temperature
        self._max_concurrency = max_concurrency
        self._client: httpx.Client | None = None

    def warm_up(self) -> None:
        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout, headers=self._headers)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _body(self, prompt: ChatPrompt, max_new_tokens: int, stream: bool) -> dict[str, object]:
        return {
            "model": self._model,
            "messages": [m.as_dict() for m in prompt],
            "max_tokens": max_new_tokens,
            "temperature": self._temperature,
            "stream": stream,
        }

    def _one(self, prompt: ChatPrompt, max_new_tokens: int) -> str:
        assert self._client is not None
        try:
            response = self._client.post(self._url, json=self._body(prompt, max_new_tokens, False))
            response.raise_for_status()
            return str(response.json()["choices"][0]["message"]["content"] or "")
        except httpx.TimeoutException as e:
            raise ReaderTimeout(f"{self._url} did not answer within {self._timeout:.0f} s") from e
        except (httpx.HTTPError, KeyError, ValueError) as e:
            raise ReaderError(f"the reader server at {self._url} failed: {e}") from e

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        self.warm_up()
        if len(prompts) == 1:
            return [self._one(prompts[0], max_new_tokens)]
        # The server batches concurrent requests (vLLM's continuous batching): send them together.
        with ThreadPoolExecutor(min(self._max_concurrency, len(prompts))) as pool:
            return list(pool.map(lambda p: self._one(p, max_new_tokens), prompts))

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        self.warm_up()
        assert self._client is not None
        try:
            with self._client.stream(
                "POST", self._url, json=self._body(prompt, max_new_tokens, True)
            ) as response:
                response.raise_for_status()
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    delta = json.loads(data)["choices"][0].get("delta", {})
                    if delta.get("content"):
                        yield delta["content"]
        except httpx.TimeoutException as e:
            raise ReaderTimeout(f"{self._url} did not answer within {self._timeout:.0f} s") from e
        except (httpx.HTTPError, KeyError, ValueError) as e:
            raise ReaderError(f"the reader server at {self._url} failed: {e}") from e
