"""CachedTexts: the model sees each text once while it stays in memory."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from kgqa.embedding.text_cache import CachedTexts


class CountingEmbed:
    """A deterministic stand-in for a model: one row per text, from the text's characters."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.calls = 0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.seen += texts
        rows = [[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts]
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), 3)


def test_rows_follow_the_texts_and_only_new_texts_reach_the_model() -> None:
    model = CountingEmbed()
    cached = CachedTexts(model)
    first = cached(["who", "directed", "who"])
    np.testing.assert_array_equal(first, model(["who", "directed", "who"]))
    model.seen.clear()
    second = cached(["directed", "starred", "who"])
    assert model.seen == ["starred"]
    np.testing.assert_array_equal(second[0], first[1])
    np.testing.assert_array_equal(second[2], first[0])
    assert cached([]).shape == (0, 3)


def test_the_least_recently_used_text_goes_first() -> None:
    model = CountingEmbed()
    cached = CachedTexts(model, capacity=2)
    cached(["a", "b"])
    cached(["a"])  # "a" used again: "b" is now the oldest
    cached(["c"])
    model.seen.clear()
    cached(["a", "c", "b"])
    assert model.seen == ["b"]
    assert len(cached) == 2


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        CachedTexts(CountingEmbed(), capacity=0)
