"""A few texts (a question) are embedded on one torch thread; batches keep torch's setting."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kgqa.embedding import sentence_transformers as st  # noqa: E402


class _Model:
    """Records torch's thread count at each encode call."""

    device = torch.device("cpu")

    def __init__(self) -> None:
        self.threads: list[int] = []

    def encode(self, texts, **_kwargs):
        self.threads.append(torch.get_num_threads())
        return np.ones((len(texts), 3), dtype=np.float32)


def test_a_question_runs_on_one_thread_and_the_setting_is_restored() -> None:
    embedder = st.SentenceTransformerEmbedder()
    embedder._model = model = _Model()
    embedder.dim = 3
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        embedder.embed(["Where was Marie Curie born?"], kind="query")
        embedder.embed(["x"] * (st._ONE_THREAD_TEXTS + 1), kind="passage")
        assert model.threads == [1, 2]
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
