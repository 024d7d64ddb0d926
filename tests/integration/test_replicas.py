"""Stateless replicas (issue 17 part 2): two KGQA instances on one Neo4j, each with its own data
directory, as two `kgqa serve` processes behind a load balancer would be; and, on the embedded
store, a second writer while a server holds it is refused at once and loses nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kgqa.api import KGQA
from kgqa.settings import Settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CURIE = (
    "Marie Curie was a physicist born in Warsaw. She won the Nobel Prize in Physics in 1903 "
    "together with Pierre Curie and Henri Becquerel."
)
QUESTION = "Where was Marie Curie born?"


@pytest.fixture
def replicas(neo4j_uri_and_auth, neo4j_driver, tmp_path: Path) -> Iterator[tuple[KGQA, KGQA]]:
    uri, user, password, database = neo4j_uri_and_auth
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    graph = {"backend": "neo4j", "uri": uri, "user": user, "password": password}
    graph["database"] = database
    a = KGQA.open(Settings(data_dir=tmp_path / "a", graph=graph))
    b = KGQA.open(Settings(data_dir=tmp_path / "b", graph=graph))
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def chunk_ids(kg: KGQA, question: str = QUESTION) -> set[str]:
    return {p.chunk_id for p in kg.retrieve(question).passages}


@pytest.mark.neo4j
def test_a_document_ingested_through_one_replica_is_retrieved_by_the_other(replicas) -> None:
    a, b = replicas
    assert chunk_ids(b) == set()
    a.ingest_text("Warsaw is the capital of Poland.", title="Warsaw", doc_id="warsaw")
    # b has answered since: its PageRank matrix holds the store as it was then.
    assert "warsaw" in {p.doc_id for p in b.retrieve("Where is Warsaw?").passages}
    doc = a.ingest_text(CURIE, title="Marie Curie", doc_id="curie")
    evidence = b.retrieve(QUESTION)
    top = evidence.passages[0]
    assert top.doc_id == doc.id
    # Found by every ranking: the vectors and the full-text index are the ones a wrote, and the
    # graph ranking's matrix was rebuilt because the store version moved.
    assert {"dense", "keyword", "graph"} <= set(top.sources), top.sources
    assert b.retrieve(QUESTION, dense_only=True).passages[0].doc_id == doc.id
    assert "Marie Curie" in {le.entity.name for le in evidence.linked}
    stats = b.stats()
    assert stats["documents"] == 2
    # The symptom: the graph said 2 documents, the other process's vectors 1.
    assert (
        sum(v for k, v in stats["vectors"].items() if k.startswith("passages.")) == stats["chunks"]
    )


@pytest.mark.neo4j
def test_a_document_deleted_through_one_replica_is_gone_from_both(replicas) -> None:
    a, b = replicas
    a.ingest_text(CURIE, title="Marie Curie", doc_id="curie")
    a.ingest_text("Warsaw is the capital of Poland.", title="Warsaw", doc_id="warsaw")
    assert "curie" in {p.doc_id for p in b.retrieve(QUESTION).passages}
    b.delete_documents(["curie"])
    for kg in (a, b):
        assert "curie" not in {p.doc_id for p in kg.retrieve(QUESTION).passages}
        assert [d.id for d in kg.list_documents()] == ["warsaw"]
        assert not [le for le in kg.retrieve(QUESTION).linked if le.entity.name == "Marie Curie"]
    stats = a.stats()
    assert sum(v for k, v in stats["vectors"].items() if k.startswith("passages.")) == 1


@pytest.mark.neo4j
def test_writes_through_both_replicas_meet_in_one_store(replicas) -> None:
    a, b = replicas
    a.ingest_text(CURIE, title="Marie Curie", doc_id="curie")
    b.ingest_text("Pierre Curie was born in Paris.", title="Pierre Curie", doc_id="pierre")
    for kg in (a, b):
        assert [d.id for d in kg.list_documents()] == ["curie", "pierre"]
        linked = {le.entity.name for le in kg.retrieve("Who was Pierre Curie?").linked}
        assert "Pierre Curie" in linked
    # One entity node per name, whichever replica wrote it first.
    names = [e.name for page in a._store.iter_entities() for e in page]
    assert len(names) == len(set(names))


def test_embedded_ingest_beside_a_server_fails_at_once_and_loses_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "warsaw.txt").write_text("Warsaw is the capital of Poland.", encoding="utf-8")
    server = KGQA.open(Settings(data_dir=data))  # holds the store, as `kgqa serve` does
    try:
        server.ingest_text(CURIE, title="Marie Curie", doc_id="curie")
        before = server.stats()
        env = {**os.environ, "KGQA_DATA_DIR": str(data), "PYTHONPATH": str(REPO)}
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "kgqa.cli.main", "ingest", str(docs)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=300,
        )
        took = time.monotonic() - started
        assert result.returncode != 0
        assert "in use by another process" in result.stderr
        assert "POST /v1/documents" in result.stderr  # what to do instead
        # At once: refused on opening the store, before any model loads (import time aside).
        assert took < 60, took
        assert server.stats() == before
        assert [p.doc_id for p in server.retrieve(QUESTION).passages][:1] == ["curie"]
        # The server goes on writing, and the refused document can go in through it.
        server.ingest([docs])
        assert server.stats()["documents"] == 2
    finally:
        server.close()
    reopened = KGQA.open(Settings(data_dir=data))
    try:
        assert [d.id for d in reopened.list_documents()] and reopened.stats()["documents"] == 2
    finally:
        reopened.close()
