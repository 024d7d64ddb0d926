"""Sentence vectors (kgqa.retrieval.sentence_vectors): embedded once at ingest and looked up by
the bridge; a sentence a store lacks (one ingested before them) is embedded at query time."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kgqa.domain import Chunk
from kgqa.retrieval.pages import TopicPages
from kgqa.retrieval.query import Query
from kgqa.retrieval.sentence_vectors import SentenceScores
from kgqa.vectors.registry import VectorIndexes
from kgqa.vectors.sentences import (
    chunk_sentences,
    embed_sentences,
    embed_store_sentences,
    sentence_id,
    sentence_ids_of,
)

_DIM = 3


def _vector(text: str) -> np.ndarray:
    v = np.array([len(text), text.count("a") + 1, text.count(" ") + 1], dtype=np.float32)
    return v / np.linalg.norm(v)


class _Space:
    name = "toy"

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def texts(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return np.stack([_vector(t) for t in texts])

    queries = texts


_CHUNK = Chunk("d#0", "d", 0, "Alpha is a city. Beta was a band! Alpha is a city.", 0, 52)


def _query(space: _Space) -> Query:
    return Query("where was the band?", space, _vector("where was the band?"))  # type: ignore[arg-type]


def test_a_chunks_sentences_have_ids_from_their_chunk_and_text() -> None:
    ids, texts = chunk_sentences([_CHUNK])
    assert texts == ["Alpha is a city.", "Beta was a band!"]  # the repeat once
    assert ids == [sentence_id("d#0", t) for t in texts]
    assert all(i.startswith("d#0#s") for i in ids)
    assert sentence_id("d#1", texts[0]) != ids[0] and sentence_id("d#0", "Alpha.") != ids[0]
    ids, vectors = embed_sentences([_CHUNK], _Space().texts)
    assert vectors.shape == (2, _DIM)


def test_stored_vectors_are_looked_up_and_the_rest_embedded(tmp_path: Path) -> None:
    vectors = VectorIndexes(tmp_path)
    index = vectors.sentences("toy", _DIM)
    ids, texts = chunk_sentences([_CHUNK])
    index.add(ids[:1], np.stack([_vector(texts[0])]))
    space = _Space()
    items = [("d#0", texts[0]), ("d#0", texts[1])]
    scores = SentenceScores(vectors).scores(_query(space), items)
    expected = [float(_vector(t) @ _query(space).vector) for t in texts]
    assert np.allclose(scores, expected, atol=1e-6)
    assert space.embedded == [texts[1]]  # only the sentence the index lacks
    # Turned off, or a store without a sentence index (Neo4j), embeds them all.
    space = _Space()
    off = SentenceScores(vectors, use_stored=False)
    assert np.allclose(off.scores(_query(space), items), expected)
    assert space.embedded == texts
    space = _Space()
    assert np.allclose(SentenceScores(None).scores(_query(space), items), expected)


def test_an_old_store_is_back_filled_and_a_removed_chunks_sentences_found(tmp_path: Path) -> None:
    index = VectorIndexes(tmp_path).sentences("toy", _DIM)
    other = Chunk("e#0", "e", 0, "Gamma. Delta.", 0, 13)
    space = _Space()
    assert embed_store_sentences([[_CHUNK], [other]], index, space.texts) == 4
    assert embed_store_sentences([[_CHUNK, other]], index, space.texts) == 0  # all there
    assert (tmp_path / "sentences.toy.faiss").exists()
    assert sorted(sentence_ids_of(index, ["e#0"])) == sorted(chunk_sentences([other])[0])


class _Pages:
    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def topic_chunks(self, ids: Sequence[str]) -> dict[str, list[str]]:
        self.asked.append(list(ids))
        return {e: [f"{e}#0"] for e in ids if e != "none"}


def test_topic_pages_are_read_once_per_entity() -> None:
    store = _Pages()
    pages = TopicPages(store)  # type: ignore[arg-type]
    assert pages(["a", "none"]) == {"a": ["a#0"]}
    assert pages(["none", "a", "b"]) == {"a": ["a#0"], "b": ["b#0"]}
    assert pages(["a", "b"]) == {"a": ["a#0"], "b": ["b#0"]}
    assert store.asked == [["a", "none"], ["b"]]


def test_span_pooling_takes_the_mean_of_the_tokens_inside_each_span() -> None:
    from kgqa.embedding.sentence_transformers import pool_spans

    # [CLS] "ab" "cd" "ef" [SEP] then one padding row beyond the offsets (a batch's length).
    tokens = np.array([[9, 9], [1, 0], [0, 1], [3, 4], [9, 9], [5, 5]], dtype=np.float32)
    offsets = np.array([[0, 0], [0, 2], [3, 5], [6, 8], [0, 0]])
    first_two, last, cut = pool_spans(tokens, offsets, [(0, 5), (6, 8), (9, 12)])
    assert first_two is not None and np.allclose(first_two, np.array([1, 1]) / np.sqrt(2))
    assert last is not None and np.allclose(last, [0.6, 0.8])  # special tokens never count
    assert cut is None  # no token there: the caller embeds that sentence on its own


class _SpanSpace:
    """A span embedder whose pooled rows say which span they came from."""

    name = "toy-span"
    dim = _DIM

    def __init__(self) -> None:
        self.alone: list[str] = []
        self.spans: list[list[tuple[int, int]]] = []

    def warm_up(self) -> None:
        pass

    def embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        self.alone.extend(texts)
        return np.stack([_vector(t) for t in texts])

    def embed_with_spans(self, texts, spans, kind):  # type: ignore[no-untyped-def]
        self.spans.extend(list(s) for s in spans)
        pooled = [
            [None if b > 60 else _vector(t[a:b]) for a, b in s]
            for t, s in zip(texts, spans, strict=True)
        ]
        return np.stack([_vector(t) for t in texts]), pooled


def test_passages_and_sentences_come_from_one_pass_of_a_span_embedder() -> None:
    from kgqa.vectors.sentences import embed_passages_and_sentences

    text = "Title\n" + _CHUNK.text
    space = _SpanSpace()
    passages, ids, rows = embed_passages_and_sentences([_CHUNK], [text], space)  # type: ignore[arg-type]
    assert ids == chunk_sentences([_CHUNK])[0]
    # The spans address the sentences inside the passage text (after the title).
    assert [text[a:b] for a, b in space.spans[0]] == ["Alpha is a city.", "Beta was a band!"]
    assert np.allclose(rows, [_vector("Alpha is a city."), _vector("Beta was a band!")])
    assert np.allclose(passages, [_vector(text)])
    assert space.alone == []  # no second pass
    # A sentence past the model's length limit (no tokens) is embedded on its own.
    long = Chunk("d#1", "d", 1, "A short one. " + "Then a long sentence " * 3 + "ends.", 0, 80)
    space = _SpanSpace()
    _, ids, rows = embed_passages_and_sentences([long], ["T\n" + long.text], space)  # type: ignore[arg-type]
    assert len(ids) == 2 and rows.shape == (2, _DIM)
    assert space.alone == [chunk_sentences([long])[1][1]]
