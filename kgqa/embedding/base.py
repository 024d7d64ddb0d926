"""The embedder protocol: texts in, L2-normalised float32 rows out; and the optional span
embedder, which also pools vectors for character spans of each text from the same pass."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np

EmbedKind = Literal["query", "passage"]


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def warm_up(self) -> None:
        """Load the model (constructors stay cheap)."""

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> np.ndarray:
        """(len(texts), dim) float32, unit-length rows; empty input gives (0, dim)."""


# (start, end) character offsets into one text.
Span = tuple[int, int]


@runtime_checkable
class SpanEmbedder(Embedder, Protocol):
    def embed_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], kind: EmbedKind
    ) -> tuple[np.ndarray, list[list[np.ndarray | None]]]:
        """The texts' rows, as ``embed`` gives them, and for each text one unit row per span,
        mean-pooled from the token embeddings of that same forward pass ("late chunking": a
        sentence's vector sees its passage, and costs no second pass); None for a span that
        holds no token (cut off by the model's length limit)."""


@runtime_checkable
class WordVocabulary(Protocol):
    def words(self) -> frozenset[str]:
        """The whole words the model's tokenizer knows as one piece, lower case, letters only
        (a WordPiece vocabulary's words, not its "##" continuations). Loads the model."""
