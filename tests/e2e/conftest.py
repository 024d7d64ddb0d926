"""The sample corpus ingested once per test module and backend, served by an in-process app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgqa.api import KGQA
from kgqa.reader.extractive import ExtractiveReader
from kgqa.service.app import create_app
from kgqa.settings import Settings

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def sample_settings(tmp: Path, backend: str, neo4j_access=None) -> Settings:
    graph: dict = {"backend": backend}
    if backend == "neo4j":
        uri, user, password, database = neo4j_access
        graph.update(uri=uri, user=user, password=password, database=database)
    return Settings(data_dir=tmp, graph=graph)


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def sample_kg(request, tmp_path_factory) -> Iterator[KGQA]:
    access = None
    if request.param == "neo4j":
        access = request.getfixturevalue("neo4j_uri_and_auth")
        driver = request.getfixturevalue("neo4j_driver")
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=access[3])
    kg = KGQA.open(sample_settings(tmp_path_factory.mktemp("svc"), request.param, access))
    report = kg.ingest([SAMPLES / "docs"])
    assert report.documents_written == 6 and not report.problems
    kg.ingest_triples([SAMPLES / "kb.tsv"])
    kg.use_reader(ExtractiveReader())  # deterministic and fast; LLM readers are tested apart
    yield kg
    kg.close()


@pytest.fixture(scope="module")
def client(sample_kg: KGQA) -> Iterator[TestClient]:
    with TestClient(create_app(sample_kg.settings, kg=sample_kg)) as c:
        yield c
