"""The embedder protocol: texts in, L2-normalised float32 rows out."""

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
