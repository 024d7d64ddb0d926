"""`kgqa ingest --workers N` and the Ray Data job give the store a one-process ingest gives:
the same documents, chunks, entities (ids, names, aliases), facts and vectors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.load.base import make_document
from kgqa.api import KGQA
from kgqa.settings import Settings
from kgqa.wiring import build_components

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _documents(shared: Path, n: int) -> list:
    passages = json.loads((shared / "2wiki" / "corpus.json").read_text(encoding="utf-8"))[:n]
    return [
        make_document(p["text"], "2wiki", title=p["title"], doc_id=f"2wiki:{p['title']}")
        for p in passages
    ]


def _ingest(tmp: Path, documents: list, **ingest: object) -> dict:
    # Batches of 4 for every run, so each prepares and commits the same batches.
    options = {"batch_documents": 4, "worker_batch_documents": 4, **ingest}
    settings = Settings(data_dir=tmp, ingest=options)
    parts = build_components(settings)
    try:
        kg = KGQA(parts)
        report = kg.ingest_documents(documents)
        entities = sorted(
            (e.id, e.name, e.type, tuple(e.aliases)) for p in parts.store.iter_entities() for e in p
        )
        ids = [e[0] for e in entities]
        facts = {
            (f.id, f.kind, f.count)
            for i in range(0, len(ids), 500)
            for f in parts.store.relations_of(ids[i : i + 500], 1_000_000)
        }
        return {
            "written": report.documents_written,
            "stats": kg.stats(),
            "chunks": sorted(c.id for p in parts.store.iter_chunks() for c in p),
            "entities": entities,
            "facts": sorted(facts),
            "vectors": sorted(i for x in parts.vectors.all_entity_indexes() for i in x.ids()),
        }
    finally:
        parts.close()


def test_two_workers_make_the_store_one_process_makes(tmp_path: Path, shared_data: Path) -> None:
    documents = _documents(shared_data, 18)
    alone = _ingest(tmp_path / "one", documents, workers=1)
    parallel = _ingest(tmp_path / "two", documents, workers=2)
    assert alone["written"] == 18 and len(alone["facts"]) > 50
    assert parallel == alone


def test_workers_resume_where_a_run_stopped(tmp_path: Path, shared_data: Path) -> None:
    documents = _documents(shared_data, 12)
    first = _ingest(tmp_path / "store", documents[:4], workers=2)  # one batch, then "stopped"
    assert first["written"] == 4
    rest = _ingest(tmp_path / "store", documents, workers=2)
    assert rest["written"] == 8  # the four stored documents are skipped, not prepared again
    assert rest == {**_ingest(tmp_path / "fresh", documents, workers=1), "written": 8}


def test_ray_data_job_makes_the_store_one_process_makes(tmp_path: Path, shared_data: Path) -> None:
    pytest.importorskip("ray.data", reason="the ray extra is not installed")
    documents = _documents(shared_data, 10)
    alone = _ingest(tmp_path / "one", documents, workers=1)
    on_ray = _ingest(tmp_path / "ray", documents, workers=2, ray_address="local")
    assert on_ray == alone
