"""llama.cpp (llama-cpp-python): the fast CPU path for GGUF models."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from kgqa.errors import ModelError, ReaderError
from kgqa.reader.base import ChatPrompt

# A blank line ends an answer: what follows is a small model running on.
STOP = ["\n\n"]
# llama.cpp's OpenMP threads spin while they wait by default. On a shared machine a spinning
# thread holds a core another process needs, and the next parallel step waits for it: 800
# prompt tokens of SmolLM2-135M took 24.7 s spinning and 11.3 s passive at load average 6 on
# 2 cores. Read once, when llama.cpp's OpenMP runtime loads; a value the user set is kept.
OMP_WAIT_POLICY = "PASSIVE"


class LlamaCppReader:
    name = "llamacpp"

    def __init__(
        self,
        model_path: Path,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        temperature: float = 0.0,
        repeat_penalty: float = 1.1,
    ) -> None:
        self._model_path = Path(model_path)
        self._n_ctx = n_ctx
        self._n_threads = n_threads or max(1, os.cpu_count() or 1)
        self._temperature = temperature
        self._repeat_penalty = repeat_penalty
        self._llm: Any = None
        # A llama.cpp context is not thread-safe: one generation at a time.
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._llm is not None:
                return
            os.environ.setdefault("OMP_WAIT_POLICY", OMP_WAIT_POLICY)
            try:
                from llama_cpp import Llama
            except ImportError as e:
                raise ModelError("the llamacpp reader needs `pip install kgqa[llamacpp]`") from e
            if not self._model_path.is_file():
                raise ModelError(f"GGUF model not found: {self._model_path}")
            self._llm = Llama(
                model_path=str(self._model_path),
                n_ctx=self._n_ctx,
                n_threads=self._n_threads,
                verbose=False,
            )

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None

    def generate(self, prompts: Sequence[ChatPrompt], max_new_tokens: int) -> list[str]:
        self.warm_up()
        out = []
        for prompt in prompts:
            with self._lock:
                try:
                    result = self._llm.create_chat_completion(
                        [m.as_dict() for m in prompt],
                        max_tokens=max_new_tokens,
                        temperature=self._temperature,
                        repeat_penalty=self._repeat_penalty,
                        stop=STOP,
                    )
                except (RuntimeError, ValueError) as e:
                    raise ReaderError(f"llama.cpp failed: {e}") from e
            out.append(result["choices"][0]["message"]["content"] or "")
        return out

    def stream(self, prompt: ChatPrompt, max_new_tokens: int) -> Iterator[str]:
        self.warm_up()
        with self._lock:
            try:
                pieces = self._llm.create_chat_completion(
                    [m.as_dict() for m in prompt],
                    max_tokens=max_new_tokens,
                    temperature=self._temperature,
                    repeat_penalty=self._repeat_penalty,
                    stop=STOP,
                    stream=True,
                )
                for piece in pieces:
                    text = piece["choices"][0]["delta"].get("content")
                    if text:
                        yield text
            except (RuntimeError, ValueError) as e:
                raise ReaderError(f"llama.cpp failed: {e}") from e
