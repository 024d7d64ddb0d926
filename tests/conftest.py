"""Shared fixtures. Markers are declared in pyproject.toml (``--strict-markers``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

pytest_plugins = ["tests.neo4j_fixture"]

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KGQA_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def graph_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """An empty, schema-initialised store of each backend; the contract suite runs on both."""
    if request.param == "embedded":
        from kgqa.graph.embedded import LadybugGraphStore

        store = LadybugGraphStore(tmp_path / "graph.lbug")
    else:
        from kgqa.graph.neo4j import Neo4jGraphStore

        uri, user, password, database = request.getfixturevalue("neo4j_uri_and_auth")
        driver = request.getfixturevalue("neo4j_driver")
        driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
        store = Neo4jGraphStore(uri=uri, user=user, password=password, database=database)
    store.open()
    store.init_schema()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA} (set KGQA_SHARED_DATA)")
    return SHARED_DATA
