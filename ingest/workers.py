"""``kgqa ingest --workers N``: the CPU-bound stages in N worker processes on this machine.

Each worker is a spawned process (no fork: torch and the store's threads do not survive one)
that builds its own models once from the settings and then prepares whole batches
(``DocumentStages.prepare``: chunk, NER + parse, passage vectors). The ingesting process keeps
everything that touches the store: it skips unchanged documents before a batch is sent, and
resolves and writes the prepared batches one at a time *in the order they were read*, while the
workers already prepare the next ones. So the graph is the one a single process writes, a
crash loses at most the batches not yet committed, and a rerun resumes as before.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ingest.stages import DocumentStages, DocumentsToDo, Prepare, PreparedBatch, PreparerFactory
from ingest.stages import in_process as _in_process
from kgqa.errors import KGQAError

if TYPE_CHECKING:
    from kgqa.domain import Document
    from kgqa.settings import Settings

# Batches sent ahead per worker: one being prepared, one waiting, so a worker never idles while
# the ingesting process writes; more would only hold memory.
_AHEAD_PER_WORKER = 2

_stages: DocumentStages | None = None  # this worker process's models


def _start_worker(settings: Settings, threads: int) -> None:
    """Runs once in each worker: its share of the cores, and its own models (loaded lazily)."""
    global _stages
    import torch

    torch.set_num_threads(threads)  # N workers x all cores each would only thrash
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads)  # spaCy's numpy BLAS
    except ImportError:  # optional: torch's threads are most of the work
        pass
    from ingest.build import build_stages
    from kgqa.embedding.factory import Embedders

    _stages = build_stages(settings, Embedders(settings.models))


def _prepare(documents: list[Document], unchanged: int) -> PreparedBatch:
    if _stages is None:
        raise RuntimeError("ingest worker used before its initializer ran")
    return _stages.prepare(documents, unchanged)


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    return max(1, (cores or os.cpu_count() or 1) // workers)


class WorkerPool:
    """N spawned processes preparing batches; results come back in submission order."""

    def __init__(self, settings: Settings, workers: int) -> None:
        if workers < 1:
            raise KGQAError(f"ingest workers must be at least 1, got {workers}")
        self._ahead = _AHEAD_PER_WORKER * workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(settings, threads_per_worker(workers)),
        )

    def prepare(self, todo: Iterable[DocumentsToDo]) -> Iterator[PreparedBatch]:
        pending: deque[Future[PreparedBatch]] = deque()
        for batch in todo:
            pending.append(self._submit(batch))
            if len(pending) >= self._ahead:
                yield self._result(pending.popleft())
        while pending:
            yield self._result(pending.popleft())

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _submit(self, batch: DocumentsToDo) -> Future[PreparedBatch]:
        if not batch.documents:  # nothing to prepare: keep its place in the order
            done: Future[PreparedBatch] = Future()
            done.set_result(PreparedBatch(unchanged=batch.unchanged))
            return done
        return self._pool.submit(_prepare, batch.documents, batch.unchanged)

    @staticmethod
    def _result(future: Future[PreparedBatch]) -> PreparedBatch:
        try:
            return future.result()
        except BrokenProcessPool as e:
            raise KGQAError(
                "an ingest worker process died (out of memory?); what was written is kept: "
                "rerun the same command, perhaps with fewer --workers, to resume"
            ) from e


def worker_preparer(settings: Settings) -> PreparerFactory:
    """Prepare in this process for one worker, in a ``WorkerPool`` for more, or as a Ray Data
    job when ``ingest.ray_address`` is set (``ingest.distributed``)."""

    if settings.ingest.ray_address:
        from ingest.distributed import open_ray_preparer

        return open_ray_preparer(settings)

    @contextmanager
    def open_preparer(stages: DocumentStages, workers: int) -> Iterator[Prepare]:
        if workers <= 1:
            with _in_process(stages) as prepare:
                yield prepare
            return
        pool = WorkerPool(settings, workers)
        try:
            yield pool.prepare
        finally:
            pool.close()

    return open_preparer
