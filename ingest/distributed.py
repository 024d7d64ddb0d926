"""Bulk ingest on a Ray cluster: the same CPU-bound stages as a Ray Data job, one writer.

``kgqa ingest --ray ADDRESS --workers N`` (settings ``ingest.ray_address``, ``ingest.workers``;
needs the ``ray`` extra: ``pip install 'kgqa[ray]'``). The read batches the store does not have
yet become one Ray dataset, one row per batch; ``map_batches`` runs ``PrepareStage`` (the
``DocumentStages.prepare`` of ``ingest.stages``, models loaded once per actor) on N actors
anywhere on the cluster; the prepared batches stream back, in order, to this process, which
resolves their entities and writes them to the configured store (one Neo4j in server mode)
through ``IngestPipeline.commit``, exactly as a local run does. So the graph is the one a
single process writes, and a rerun skips what was committed. Entity resolution needs the store
and the batches before it, so it stays with the one writer; several writers on one Neo4j are
safe too (uniqueness constraints + MERGE: tests/integration/test_concurrent_writers.py) but
resolve as separate runs would.

Limit: the batches to do are listed in this process before the job starts (fine for millions
of passages of text; a corpus larger than this machine's memory would be read on the cluster
with ``ray.data.read_json`` instead). ``ADDRESS`` is a cluster (``auto``, ``ray://host:10001``)
or ``local``, which starts a Ray instance on this machine with N CPUs.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.stages import DocumentStages, DocumentsToDo, Prepare, PreparedBatch
from kgqa.domain import Document
from kgqa.errors import ConfigError

if TYPE_CHECKING:
    from kgqa.settings import Settings

LOCAL = "local"
_REPO = Path(__file__).resolve().parents[1]


class PrepareStage:
    """A Ray Data actor: one read batch per row in, its ``PreparedBatch`` out.

    The prepared batch travels pickled (chunks, extractions and a float32 matrix: Python
    objects of this code base, between processes of one job that run the same code)."""

    def __init__(self, settings: Settings) -> None:
        from ingest.build import build_stages
        from kgqa.embedding.factory import Embedders

        self._stages = build_stages(settings, Embedders(settings.models))

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"index": [], "prepared": []}
        for index, documents, unchanged in zip(
            rows["index"], rows["documents"], rows["unchanged"], strict=True
        ):
            docs = [Document(**d) for d in pickle.loads(documents)]
            prepared = self._stages.prepare(docs, int(unchanged))
            out["index"].append(int(index))
            out["prepared"].append(pickle.dumps(prepared, protocol=pickle.HIGHEST_PROTOCOL))
        return out


def _rows(todo: Iterable[DocumentsToDo]) -> list[dict[str, Any]]:
    return [
        {
            "index": i,
            "documents": pickle.dumps([asdict(d) for d in batch.documents]),
            "unchanged": batch.unchanged,
        }
        for i, batch in enumerate(todo)
    ]


def _connect(address: str, workers: int) -> Any:
    try:
        import ray
    except ImportError as e:
        raise ConfigError(
            "ingest.ray_address is set but Ray is not installed: pip install 'kgqa[ray]'"
        ) from e
    if not ray.is_initialized():
        if address == LOCAL:
            # The workers import this checkout's code like this process does.
            path = os.pathsep.join(p for p in (str(_REPO), os.environ.get("PYTHONPATH")) if p)
            ray.init(
                num_cpus=workers,
                include_dashboard=False,
                runtime_env={"env_vars": {"PYTHONPATH": path}},
                log_to_driver=False,
            )
        else:
            ray.init(address=address, log_to_driver=False)
    return ray


@contextmanager
def ray_preparer(settings: Settings, workers: int) -> Iterator[Prepare]:
    """Prepare the batches as one Ray Data job on ``settings.ingest.ray_address``."""
    address = settings.ingest.ray_address
    if not address:
        raise ConfigError("ray_preparer needs ingest.ray_address (a cluster address or 'local')")
    ray = _connect(address, workers)

    def prepare(todo: Iterable[DocumentsToDo]) -> Iterator[PreparedBatch]:
        rows = _rows(todo)
        if not rows:
            return
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # commit in the order read
        dataset = ray.data.from_items(rows).map_batches(
            PrepareStage,
            fn_constructor_kwargs={"settings": settings},
            batch_size=1,  # one read batch per call: the same batches as a local run
            concurrency=workers,
            num_cpus=1,
        )
        for out in dataset.iter_batches(batch_size=1, batch_format="numpy"):
            for blob in out["prepared"]:
                yield pickle.loads(blob)

    try:
        yield prepare
    finally:
        if address == LOCAL:
            ray.shutdown()


def open_ray_preparer(settings: Settings) -> Any:
    """A ``PreparerFactory`` over Ray (``ingest.workers.worker_preparer`` picks it)."""

    @contextmanager
    def factory(stages: DocumentStages, workers: int) -> Iterator[Prepare]:
        with ray_preparer(settings, max(1, workers)) as prepare:
            yield prepare

    return factory
