"""The ingest pipeline: load -> chunk -> extract -> resolve -> write, in batches of documents.

Crash safety (kill -9 at any point, then rerun, gives the same graph and vectors as an
uninterrupted run):
- A batch's graph write is one transaction, so a document is either fully in the graph or not.
- The graph is the source of truth. Vectors are added in memory and saved (atomically, write
  then rename) at checkpoints: every ``checkpoint_s`` seconds and at the end of a run, not per
  batch, so saving stays cheap as the index grows. A journal file exists whenever the saved
  vectors may differ from the graph; the next run then reconciles them: vectors the graph does
  not have are removed, and chunks and entities the graph has without a vector are embedded.
  Where the vectors commit in the graph's own transaction (``vectors.transactional``: Neo4j)
  they cannot fall behind, so no journal is written there.
- An unchanged document (same content hash in the graph) is skipped: that is the resume.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import numpy as np

from ingest.load import LoadProblem
from ingest.resolve import EntityResolver
from ingest.sentence_backfill import backfill_sentences
from ingest.stages import (
    DocumentStages,
    DocumentsToDo,
    PreparedBatch,
    PreparedGroup,
    PreparerFactory,
    chunks_by_language,
    in_process,
    passage_text,
)
from kgqa.atomic_file import write_atomically
from kgqa.domain import KB_ENTITY_TYPE, Chunk, Document, Entity, GraphBatch
from kgqa.embedding.base import Embedder
from kgqa.errors import GraphWriteConflict
from kgqa.graph.base import GraphStore, RemovedIds
from kgqa.language import detect_language
from kgqa.vectors.base import VectorIndex, VectorStore
from kgqa.vectors.sentences import (
    embed_passages_and_sentences,
    sentence_chunk_id,
    sentence_ids_of,
)

logger = logging.getLogger(__name__)

# Attempts of one batch write that conflicts with another writer, and the first back-off
# (doubled each time, with jitter so two writers do not collide again): set by hand, two
# writers of overlapping 2Wiki batches needed at most two (tests/integration/
# test_concurrent_writers.py).
_WRITE_ATTEMPTS = 6
_RETRY_BASE_S = 0.2


@dataclass(slots=True)
class IngestReport:
    documents_seen: int = 0
    documents_written: int = 0
    documents_unchanged: int = 0
    documents_failed: int = 0
    chunks: int = 0
    entities: int = 0
    relations: int = 0
    seconds: float = 0.0
    problems: list[LoadProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "documents_seen": self.documents_seen,
            "documents_written": self.documents_written,
            "documents_unchanged": self.documents_unchanged,
            "documents_failed": self.documents_failed,
            "chunks": self.chunks,
            "entities": self.entities,
            "relations": self.relations,
            "seconds": round(self.seconds, 3),
            "problems": [
                {"source": p.source, "line": p.line, "message": p.message} for p in self.problems
            ],
        }


ProgressCallback = Callable[[IngestReport], None]


class IngestPipeline:
    def __init__(
        self,
        store: GraphStore,
        vectors: VectorStore,
        stages: DocumentStages,
        embedder_for: Callable[[str], Embedder],
        resolver_for: Callable[[str], EntityResolver],
        batch_documents: int = 256,
        checkpoint_s: float = 30.0,
        preparer: PreparerFactory = in_process,
        workers: int = 1,
        worker_batch_documents: int = 64,
    ) -> None:
        self._store = store
        self._vectors = vectors
        self._stages = stages
        self._preparer = lambda n: preparer(stages, n)
        self._workers = workers
        self._worker_batch_documents = worker_batch_documents
        self._embedder_for = embedder_for
        self._resolver_for = resolver_for
        self._batch_documents = batch_documents
        self._checkpoint_s = checkpoint_s
        self._saved_at = time.monotonic()
        self._journal = vectors.directory / "ingest-journal.json"
        self._sentences_checked = False  # see run()

    # -- public ----------------------------------------------------------------------------
    def run(
        self,
        items: Iterable[Document | LoadProblem],
        on_progress: ProgressCallback | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """Ingest ``items``. With ``workers`` > 1 (default: the setting) the CPU-bound stages
        run in that many processes (``ingest.workers``) while this one resolves and writes;
        batches are still committed in the order read, so the graph is the same. A store whose
        chunks have no sentence vectors yet gets them first (``ingest.sentence_backfill``)."""
        self.recover()
        if self._stages.sentence_vectors and not self._sentences_checked:
            # Once a process: on Neo4j, counting the sentence vectors scans their nodes.
            backfill_sentences(self._store, self._vectors, self._stages.embedder_for)
            self._sentences_checked = True
        report = IngestReport()
        started = time.perf_counter()
        workers = workers or self._workers
        size = self._batch_documents if workers <= 1 else self._worker_batch_documents
        todo = self._unchanged_skipped(_batches(items, size, report))
        with self._preparer(workers) as prepare:
            for prepared in prepare(todo):
                self.commit(prepared, report)
                report.seconds = time.perf_counter() - started
                if on_progress is not None:
                    on_progress(report)
        self.checkpoint()
        report.seconds = time.perf_counter() - started
        return report

    def commit(self, prepared: PreparedBatch, report: IngestReport) -> None:
        """Resolve a prepared batch's entities against the store and write it."""
        report.documents_unchanged += prepared.unchanged
        if not prepared.documents:
            return
        batch = GraphBatch(documents=list(prepared.documents))
        vectors: dict[str, VectorsToAdd] = {}
        # Another writer of the same store must not resolve between our lookups and our write
        # (tests/integration/test_concurrent_writers.py): the new names' embedding is inside,
        # so concurrent writers take turns for it, while parsing and passage embedding are not.
        with self._store.resolution_lock():
            for group in prepared.groups:
                resolved = self._resolver_for(group.lang).resolve(group.extractions)
                batch.chunks.extend(group.chunks)
                batch.entities.extend(resolved.entities)
                batch.mentions.extend(resolved.mentions)
                batch.relations.extend(resolved.relations)
                vectors[group.lang] = self._entity_vectors(group, resolved.entities)
            self.write_batch(batch, vectors)
        report.documents_written += len(batch.documents)
        report.chunks += len(batch.chunks)
        report.entities += len(batch.entities)
        report.relations += len(batch.relations)

    def write_batch(self, batch: GraphBatch, vectors_by_lang: Mapping[str, VectorsToAdd]) -> None:
        """Write a prepared batch with the crash-safe ordering described in the module doc."""
        self._begin_journal()
        removed = self._write_retrying_conflicts(batch, vectors_by_lang)
        new_sentences = {i for v in vectors_by_lang.values() for i in v.sentence_ids}
        self._drop_vectors(removed, new_sentences)
        if time.monotonic() - self._saved_at >= self._checkpoint_s:
            self.checkpoint()

    def _add_vectors(self, vectors_by_lang: Mapping[str, VectorsToAdd]) -> None:
        for lang, pending in vectors_by_lang.items():
            embedder = self._embedder_for(lang)
            if pending.chunk_ids:
                self._vectors.passages(embedder.name, embedder.dim).add(
                    pending.chunk_ids, pending.chunk_vectors
                )
            if pending.entity_ids:
                self._vectors.entities(embedder.name, embedder.dim).add(
                    pending.entity_ids, pending.entity_vectors
                )
            if pending.sentence_ids and pending.sentence_vectors is not None:
                sentences = self._vectors.sentences(embedder.name, embedder.dim)
                if sentences is not None:
                    sentences.add(pending.sentence_ids, pending.sentence_vectors)

    def _write_retrying_conflicts(
        self, batch: GraphBatch, vectors_by_lang: Mapping[str, VectorsToAdd]
    ) -> RemovedIds:
        """The vectors and the store write, again after a conflict with another writer of the
        same store: a deadlock, or a document written by both at once (its chunks' uniqueness
        constraint). The write transaction re-reads what is stored, so the retry replaces the
        other writer's copy of a shared document with the same content, and MERGE joins
        entities. The vectors are added again because Neo4j's staged vectors are taken by the
        failed transaction (conflicts only arise there; staging by id is idempotent)."""
        for attempt in range(_WRITE_ATTEMPTS):
            self._add_vectors(vectors_by_lang)
            try:
                return self._store.write(batch)
            except GraphWriteConflict as e:
                if attempt + 1 == _WRITE_ATTEMPTS:
                    raise
                logger.info("write conflict with another writer (%s); retrying", e)
                time.sleep(_RETRY_BASE_S * 2**attempt * (1 + random.random()))
        raise AssertionError("unreachable")

    def checkpoint(self) -> None:
        """Save the vectors; they now match the graph, so the journal goes."""
        self._vectors.save_all()
        self._saved_at = time.monotonic()
        self._end_journal()

    def ingest_triples(self, batch: GraphBatch, report: IngestReport) -> None:
        """Write a knowledge-base file's batch (see ingest.triples), unless it is unchanged."""
        self.recover()
        doc = batch.documents[0]
        if self._store.document_hashes([doc.id]).get(doc.id) == doc.content_hash:
            report.documents_unchanged += 1
            return
        embedder = self._embedder_for("en")
        embedder.warm_up()
        index = self._vectors.entities(embedder.name, embedder.dim)
        new = _without_vectors(index, batch.entities)
        vectors = VectorsToAdd(
            chunk_ids=[],
            chunk_vectors=np.zeros((0, embedder.dim), dtype=np.float32),
            entity_ids=[e.id for e in new],
            entity_vectors=embedder.embed([entity_text(e) for e in new], kind="query"),
        )
        self.write_batch(batch, {"en": vectors})
        self.checkpoint()
        report.documents_written += 1
        report.entities += len(batch.entities)
        report.relations += len(batch.relations)

    def delete(self, doc_ids: Sequence[str]) -> RemovedIds:
        self.recover()
        self._begin_journal()
        removed = self._store.delete_documents(doc_ids)
        self._drop_vectors(removed)
        self.checkpoint()
        return removed

    def recover(self) -> None:
        """After a crash: make the vectors equal the graph again (see the module doc)."""
        if not self._journal.exists():
            return
        logger.warning("previous ingest did not finish; reconciling vectors with the graph")
        chunks = {c.id: c for page in self._store.iter_chunks() for c in page}
        entities = {e.id: e for page in self._store.iter_entities() for e in page}
        have_chunks: set[str] = set()
        for index in self._vectors.all_passage_indexes():
            index.remove([i for i in index.ids() if i not in chunks])
            have_chunks.update(index.ids())
        have_entities: set[str] = set()
        for index in self._vectors.all_entity_indexes():
            index.remove([i for i in index.ids() if i not in entities])
            have_entities.update(index.ids())
        for index in self._vectors.all_sentence_indexes():  # a missing one is embedded on use
            index.remove([i for i in index.ids() if sentence_chunk_id(i) not in chunks])
        self._embed_missing_chunks([c for i, c in chunks.items() if i not in have_chunks])
        missing: dict[str, list[Entity]] = {}
        for i, e in entities.items():
            if i not in have_entities:
                missing.setdefault(detect_language(e.name), []).append(e)
        for lang, group in sorted(missing.items()):
            embedder = self._embedder_for(lang)
            vectors = embedder.embed([entity_text(e) for e in group], kind="query")
            self._vectors.entities(embedder.name, embedder.dim).add([e.id for e in group], vectors)
        self.checkpoint()

    def _embed_missing_chunks(self, chunks: list[Chunk]) -> None:
        """Passage vectors, and sentence vectors where the stages embed them, for chunks that
        reached the graph after the last checkpoint (both were saved together before it)."""
        docs = {d.id: d for d in self._store.get_documents(sorted({c.doc_id for c in chunks}))}
        for lang, group in chunks_by_language(chunks, docs).items():
            embedder = self._embedder_for(lang)
            embedder.warm_up()  # its dim opens the indexes
            texts = [
                passage_text(docs[c.doc_id].title if c.doc_id in docs else "", c.text)
                for c in group
            ]
            sentences = self._vectors.sentences(embedder.name, embedder.dim)
            if self._stages.sentence_vectors and sentences is not None:
                vectors, ids, sentence_vectors = embed_passages_and_sentences(
                    group, texts, embedder, self._stages.pooled_sentences
                )
                if ids:
                    sentences.add(ids, sentence_vectors)
            else:
                vectors = embedder.embed(texts, kind="passage")
            self._vectors.passages(embedder.name, embedder.dim).add([c.id for c in group], vectors)

    # -- steps -----------------------------------------------------------------------------
    def _unchanged_skipped(self, batches: Iterable[list[Document]]) -> Iterator[DocumentsToDo]:
        """Each read batch without the documents whose content hash the store already has."""
        for documents in batches:
            known = self._store.document_hashes([d.id for d in documents])
            todo = [d for d in documents if known.get(d.id) != d.content_hash]
            yield DocumentsToDo(todo, unchanged=len(documents) - len(todo))

    def _entity_vectors(self, group: PreparedGroup, entities: Sequence[Entity]) -> VectorsToAdd:
        embedder = self._embedder_for(group.lang)
        embedder.warm_up()
        index = self._vectors.entities(embedder.name, embedder.dim)
        new_entities = _without_vectors(index, entities)
        return VectorsToAdd(
            chunk_ids=[c.id for c in group.chunks],
            chunk_vectors=group.chunk_vectors,
            entity_ids=[e.id for e in new_entities],
            entity_vectors=embedder.embed([e.name for e in new_entities], kind="query"),
            sentence_ids=group.sentence_ids,
            sentence_vectors=group.sentence_vectors,
        )

    def _drop_vectors(
        self, removed: RemovedIds, new_sentences: AbstractSet[str] = frozenset()
    ) -> None:
        """Drop the vectors of what a write or delete removed: its chunks and entities, the
        sentences of its chunks, and the old text's sentences of a chunk rewritten under the
        same id (``new_sentences``: the batch's own, kept)."""
        if not (removed.chunks or removed.entities or removed.rewritten_chunks):
            return
        for index in self._vectors.all_passage_indexes():
            index.remove(removed.chunks)
        for index in self._vectors.all_entity_indexes():
            index.remove(removed.entities)
        for index in self._vectors.all_sentence_indexes():
            index.remove(sentence_ids_of(index, removed.chunks))
            if removed.rewritten_chunks:
                old = sentence_ids_of(index, removed.rewritten_chunks)
                index.remove([i for i in old if i not in new_sentences])

    def _begin_journal(self) -> None:
        """Mark the saved vectors as possibly behind the graph (until the next checkpoint).
        Not where vectors commit with the graph (Neo4j): they cannot fall behind there."""
        if self._vectors.transactional or self._journal.exists():
            return
        write_atomically(self._journal, json.dumps({"since": time.time()}).encode("utf-8"))

    def _end_journal(self) -> None:
        self._journal.unlink(missing_ok=True)


@dataclass(slots=True)
class VectorsToAdd:
    chunk_ids: list[str]
    chunk_vectors: np.ndarray
    entity_ids: list[str]
    entity_vectors: np.ndarray
    sentence_ids: list[str] = field(default_factory=list)
    sentence_vectors: np.ndarray | None = None


def _without_vectors(index: VectorIndex, entities: Sequence[Entity]) -> list[Entity]:
    """The entities ``index`` has no vector for, asked in one query (on Neo4j a membership
    test per entity was one round trip each)."""
    missing = set(index.missing([e.id for e in entities]))
    return [e for e in entities if e.id in missing]


def entity_text(entity: Entity) -> str:
    """What gets embedded for an entity name (KB names use underscores for spaces)."""
    return entity.name.replace("_", " ") if entity.type == KB_ENTITY_TYPE else entity.name


def _batches(
    items: Iterable[Document | LoadProblem], size: int, report: IngestReport
) -> Iterator[list[Document]]:
    """Documents in batches; problems go to the report; a repeated id keeps its first copy."""
    batch: list[Document] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, LoadProblem):
            report.problems.append(item)
            report.documents_failed += 1
            logger.warning("skipped %s%s: %s", item.source, _line(item.line), item.message)
            continue
        report.documents_seen += 1
        if item.id in seen:
            report.problems.append(
                LoadProblem(item.source, None, f"duplicate document id {item.id!r}; kept the first")
            )
            continue
        seen.add(item.id)
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _line(line: int | None) -> str:
    return f":{line}" if line is not None else ""
