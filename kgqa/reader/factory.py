"""Settings -> a reader. ``auto`` picks transformers on CUDA, llama.cpp on CPU."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from kgqa.errors import ConfigError
from kgqa.reader.base import Reader
from kgqa.reader.models import DEFAULT_MODEL, EXTRACTIVE, model_file
from kgqa.settings import ReaderSettings

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
# llama.cpp context tokens beyond the evidence and the answer: the system prompt (~110
# tokens), the chat template's markers, the question and the candidate hint, and the history
# turns of a conversation. A context too small fails the request ("exceeds context window").
PROMPT_OVERHEAD_TOKENS = 512


def default_model_path(data_dir: Path | None = None) -> Path:
    """The default reader model's GGUF file (``kgqa.reader.models.DEFAULT_MODEL``)."""
    return model_file(DEFAULT_MODEL, data_dir or Path("kgqa-data"))


def resolve_backend(backend: str) -> str:
    if backend != "auto":
        return backend
    import torch

    if torch.cuda.is_available():
        return "transformers"
    return "llamacpp" if importlib.util.find_spec("llama_cpp") is not None else "transformers"


def build_reader(settings: ReaderSettings, data_dir: Path) -> Reader:
    named_extractive = settings.model == EXTRACTIVE and settings.model_path is None
    backend: str = (
        "extractive" if settings.backend == "auto" and named_extractive else settings.backend
    )
    backend = resolve_backend(backend)
    if backend == "extractive":
        from kgqa.reader.extractive import ExtractiveReader

        return ExtractiveReader()
    if backend == "openai":
        from kgqa.reader.openai import OpenAIReader

        return OpenAIReader(
            settings.openai_base_url,
            settings.openai_model,
            settings.openai_api_key.get_secret_value(),
            settings.timeout_s,
            settings.temperature,
            settings.max_batch_size,
        )
    # A model backend asked for by name with the model left at "extractive" runs the default LM.
    model = DEFAULT_MODEL if settings.model == EXTRACTIVE else settings.model
    model_path = settings.model_path or model_file(model, data_dir)
    if backend == "llamacpp":
        from kgqa.reader.llamacpp import LlamaCppReader

        if model_path.suffix != ".gguf":
            raise ConfigError(f"the llamacpp reader needs a .gguf file, got {model_path}")
        return LlamaCppReader(
            model_path,
            n_ctx=settings.context_tokens + settings.max_new_tokens + PROMPT_OVERHEAD_TOKENS,
            n_threads=settings.llamacpp_threads,
            temperature=settings.temperature,
            repeat_penalty=settings.repetition_penalty,
        )
    if backend == "transformers":
        from kgqa.reader.transformers import TransformersReader

        return TransformersReader(
            model_path,
            cache_dir=data_dir / "models",
            device=settings.device,
            dtype=settings.dtype,
            quantize_int8=settings.quantize_int8,
            max_batch_size=settings.max_batch_size,
            batch_wait_ms=settings.batch_wait_ms,
            timeout_s=settings.timeout_s,
            repetition_penalty=settings.repetition_penalty,
        )
    raise ConfigError(f"unknown reader backend {backend!r}")
