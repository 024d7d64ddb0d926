"""DocumentStages.prepare: the passage embedding runs beside the parse, and the batch it
returns is the one a sequential prepare gives (chunks, extractions and vectors in order)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import numpy as np
import pytest

from ingest.extract.base import ChunkExtraction
from ingest.stages import DocumentStages, passage_text
from kgqa.domain import Chunk, Document


class SentenceChunker:
    def chunk(self, doc: Document) -> list[Chunk]:
        parts = [p for p in doc.text.split(". ") if p]
        return [Chunk(f"{doc.id}#{i}", doc.id, i, p, 0, len(p)) for i, p in enumerate(parts)]


class WaitingExtractor:
    """Extracts only after the embedder has started: a sequential prepare would time out."""

    lang = "en"

    def __init__(self, embedding_started: threading.Event) -> None:
        self._embedding_started = embedding_started

    def warm_up(self) -> None:
        pass

    def extract(
        self, chunks: Sequence[Chunk], titles: Mapping[str, str] | None = None
    ) -> list[ChunkExtraction]:
        assert self._embedding_started.wait(timeout=10), "the embedding did not run alongside"
        return [ChunkExtraction(c.id, c.doc_id) for c in chunks]


class RecordingEmbedder:
    name = "fake"
    dim = 4

    def __init__(self, fail: bool = False) -> None:
        self.started = threading.Event()
        self.threads: list[str] = []
        self.texts: list[str] = []
        self._fail = fail

    def warm_up(self) -> None:
        pass

    def embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        self.threads.append(threading.current_thread().name)
        self.texts.extend(texts)
        self.started.set()
        if self._fail:
            raise RuntimeError("embedder broke")
        return np.array([[len(t), i, 0, 1] for i, t in enumerate(texts)], dtype=np.float32)


def _stages(embedder: RecordingEmbedder) -> DocumentStages:
    extractor = WaitingExtractor(embedder.started)
    return DocumentStages(lambda _: SentenceChunker(), lambda _: extractor, lambda _: embedder)


def test_passages_are_embedded_beside_the_parse_and_kept_in_chunk_order() -> None:
    embedder = RecordingEmbedder()
    docs = [Document("a", "One. Two. Three", "A"), Document("b", "Four. Five", "")]
    batch = _stages(embedder).prepare(docs, unchanged=3)

    assert batch.unchanged == 3 and batch.documents == docs
    (group,) = batch.groups
    assert [c.id for c in group.chunks] == ["a#0", "a#1", "a#2", "b#0", "b#1"]
    assert [e.chunk_id for e in group.extractions] == [c.id for c in group.chunks]
    titles = {"a": "A", "b": ""}
    assert embedder.texts == [passage_text(titles[c.doc_id], c.text) for c in group.chunks]
    assert group.chunk_vectors.shape == (5, 4)
    assert group.chunk_vectors[:, 1].tolist() == [0, 1, 2, 3, 4]
    assert embedder.threads and embedder.threads[0] != threading.current_thread().name


def test_an_embedding_error_reaches_the_caller() -> None:
    with pytest.raises(RuntimeError, match="embedder broke"):
        _stages(RecordingEmbedder(fail=True)).prepare([Document("a", "One. Two", "A")])


def test_sentences_are_embedded_as_queries_when_asked() -> None:
    embedder = RecordingEmbedder()
    extractor = WaitingExtractor(embedder.started)
    stages = DocumentStages(
        lambda _: SentenceChunker(), lambda _: extractor, lambda _: embedder, sentence_vectors=True
    )
    (group,) = stages.prepare([Document("a", "One! Two. Three", "A")]).groups
    assert [c.text for c in group.chunks] == ["One! Two", "Three"]
    assert len(group.sentence_ids) == 3 and group.sentence_ids[0].startswith("a#0#s")
    assert group.sentence_vectors is not None and group.sentence_vectors.shape == (3, 4)
    assert embedder.texts[-3:] == ["One!", "Two", "Three"]
    (plain,) = _stages(RecordingEmbedder()).prepare([Document("a", "One! Two", "A")]).groups
    assert plain.sentence_ids == [] and plain.sentence_vectors is None
