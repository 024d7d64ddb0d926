"""Sentence vectors pooled from the passage pass of the real default embedder (MiniLM)."""

from __future__ import annotations

import numpy as np
import pytest

from kgqa.domain import Chunk
from kgqa.embedding.base import SpanEmbedder
from kgqa.embedding.sentence_transformers import SentenceTransformerEmbedder
from kgqa.vectors.sentences import chunk_sentences, embed_passages_and_sentences

pytestmark = pytest.mark.integration

TEXT = (
    "Marie Curie was a physicist and chemist. She was born in Warsaw in 1867. "
    "Her husband Pierre Curie shared the 1903 Nobel Prize in Physics with her."
)


def test_one_pass_gives_the_passage_row_of_embed_and_sentence_rows_that_fit() -> None:
    embedder = SentenceTransformerEmbedder()
    assert isinstance(embedder, SpanEmbedder)
    chunk = Chunk("doc#0", "doc", 0, TEXT, 0, len(TEXT))
    passage_text = "Marie Curie\n" + TEXT
    passages, ids, rows = embed_passages_and_sentences([chunk], [passage_text], embedder)
    assert np.allclose(passages, embedder.embed([passage_text], "passage"), atol=1e-5)
    assert ids == chunk_sentences([chunk])[0] and rows.shape == (3, embedder.dim)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    # Each pooled sentence is nearest to its own sentence embedded alone, and to the question
    # it answers, among the three.
    alone = embedder.embed(chunk_sentences([chunk])[1], "query")
    assert list((rows @ alone.T).argmax(axis=1)) == [0, 1, 2]
    questions = ["What was her profession?", "Where was she born?", "Which prize did he share?"]
    cosines = embedder.embed(questions, "query") @ rows.T
    assert list(cosines.argmax(axis=1)) == [0, 1, 2]
    # They correlate with, but are not, the sentences embedded alone (the default setting).
    assert not np.allclose(rows, alone, atol=1e-3)
    _, _, default = embed_passages_and_sentences([chunk], [passage_text], embedder, pooled=False)
    assert np.allclose(default, alone, atol=1e-5)
