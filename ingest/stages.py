"""The CPU-bound stages of the write path, as one function of a batch of documents.

``DocumentStages.prepare`` chunks, extracts (NER + parse) and embeds the passages of a batch;
it reads nothing from the store, so it can run anywhere: in the ingesting process, in the
worker processes of ``ingest.workers`` (``kgqa ingest --workers N``) or in a Ray Data job
(``ingest.distributed``). What needs the store (entity resolution, the entity-name vectors of
new entities, the write) stays with the one pipeline that commits the batch
(``IngestPipeline.commit``), in the order the batches were read, so a run gives the same graph
whichever of them prepared its batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field

import numpy as np

from ingest.chunking import Chunker
from ingest.extract.base import ChunkExtraction, EntityExtractor
from kgqa.domain import Chunk, Document
from kgqa.embedding.base import Embedder
from kgqa.vectors.sentences import embed_passages_and_sentences


def passage_text(title: str, chunk_text: str) -> str:
    """What gets embedded for a chunk: its document title gives it context."""
    return f"{title}\n{chunk_text}" if title else chunk_text


def chunks_by_language(
    chunks: Iterable[Chunk], docs: Mapping[str, Document]
) -> dict[str, list[Chunk]]:
    """Stored chunks grouped by their document's language ("en" where it is unknown), in
    language order: each group is embedded in its language's space."""
    by_lang: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        doc = docs.get(chunk.doc_id)
        by_lang.setdefault(doc.lang if doc else "en", []).append(chunk)
    return dict(sorted(by_lang.items()))


@dataclass(slots=True)
class PreparedGroup:
    """One language's documents of a batch, chunked, extracted and with passage vectors."""

    lang: str
    documents: list[Document]
    chunks: list[Chunk]  # document by document, in order
    extractions: list[ChunkExtraction]  # one per chunk, same order
    chunk_vectors: np.ndarray  # one row per chunk, same order
    # The chunks' sentences for the read path's sentence bridge (kgqa.retrieval.
    # sentence_vectors): ids and one row each; empty where the stages embed none.
    sentence_ids: list[str] = field(default_factory=list)
    sentence_vectors: np.ndarray | None = None


@dataclass(slots=True)
class PreparedBatch:
    """A batch of documents ready to resolve and write; empty when all were unchanged."""

    documents: list[Document] = field(default_factory=list)
    groups: list[PreparedGroup] = field(default_factory=list)
    unchanged: int = 0  # documents of the read batch skipped because the store has them


@dataclass(slots=True)
class DocumentsToDo:
    """A read batch's documents the store lacks (or holds in another version)."""

    documents: list[Document]
    unchanged: int = 0


# Prepared batches for the batches to do, in their order (however many processes prepare them).
Prepare = Callable[[Iterable[DocumentsToDo]], Iterator[PreparedBatch]]
# Opens a way to prepare over the given stages with N workers (``ingest.workers``).
PreparerFactory = Callable[["DocumentStages", int], AbstractContextManager[Prepare]]


class DocumentStages:
    """Chunk -> extract -> embed passages (and, with ``sentence_vectors``, their sentences),
    with the models of one process (loaded lazily)."""

    def __init__(
        self,
        chunker_for: Callable[[str], Chunker],
        extractor_for: Callable[[str], EntityExtractor],
        embedder_for: Callable[[str], Embedder],
        sentence_vectors: bool = False,
        pooled_sentences: bool = False,
    ) -> None:
        self._chunker_for = chunker_for
        self._extractor_for = extractor_for
        self._embedder_for = embedder_for
        self._sentence_vectors = sentence_vectors
        self._pooled_sentences = pooled_sentences

    @property
    def sentence_vectors(self) -> bool:
        """Whether these stages embed each chunk's sentences (crash recovery does the same)."""
        return self._sentence_vectors

    @property
    def embedder_for(self) -> Callable[[str], Embedder]:
        """The model that embeds a language's passages and sentences."""
        return self._embedder_for

    @property
    def pooled_sentences(self) -> bool:
        """Whether sentence vectors are pooled from the passage pass (``SpanEmbedder``)."""
        return self._pooled_sentences

    def warm_up(self, langs: Sequence[str] = ("en",)) -> None:
        """Load the models now (a worker process does this once, before its first batch)."""
        for lang in langs:
            self._extractor_for(lang).warm_up()
            self._embedder_for(lang).warm_up()

    def prepare(self, documents: Sequence[Document], unchanged: int = 0) -> PreparedBatch:
        by_lang: dict[str, list[Document]] = {}
        for doc in documents:
            by_lang.setdefault(doc.lang, []).append(doc)
        batch = PreparedBatch(documents=list(documents), unchanged=unchanged)
        for lang, docs in by_lang.items():
            chunker = self._chunker_for(lang)
            chunks = [c for d in docs for c in chunker.chunk(d)]
            titles = {d.id: d.title for d in docs if d.title}
            embedder = self._embedder_for(lang)
            embedder.warm_up()
            title_of = {d.id: d.title for d in docs}
            texts = [passage_text(title_of[c.doc_id], c.text) for c in chunks]
            # The passage vectors and the parse need nothing of each other: the embedding runs
            # in a thread (torch computes without the GIL) while spaCy parses in this one, so
            # the parse no longer adds its time to the embedding's on a machine with a core
            # to spare (bench/ingest_throughput.py, README "Ingest cost").
            # With sentence vectors, the passages' forward pass gives them too
            # (kgqa.vectors.sentences.embed_passages_and_sentences).
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="embed") as pool:
                if self._sentence_vectors:
                    both = pool.submit(
                        embed_passages_and_sentences,
                        chunks,
                        texts,
                        embedder,
                        self._pooled_sentences,
                    )
                else:
                    vectors = pool.submit(embedder.embed, texts, "passage")
                extractions = self._extractor_for(lang).extract(chunks, titles)
                if self._sentence_vectors:
                    passages, sentence_ids, sentence_vectors = both.result()
                    group = PreparedGroup(lang, docs, chunks, extractions, passages)
                    group.sentence_ids, group.sentence_vectors = sentence_ids, sentence_vectors
                else:
                    group = PreparedGroup(lang, docs, chunks, extractions, vectors.result())
                batch.groups.append(group)
        return batch


@contextmanager
def in_process(stages: DocumentStages, workers: int = 1) -> Iterator[Prepare]:
    """Prepare each batch in this process, when it is needed (``workers`` is not used)."""

    def prepare(todo: Iterable[DocumentsToDo]) -> Iterator[PreparedBatch]:
        for batch in todo:
            yield stages.prepare(batch.documents, batch.unchanged)

    yield prepare
