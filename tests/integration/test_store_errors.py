"""Bad configuration gives a clear GraphStoreUnavailable at start-up, never a hang."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from kgqa.errors import GraphStoreUnavailable
from kgqa.graph.embedded import LadybugGraphStore
from kgqa.graph.neo4j import Neo4jGraphStore
from kgqa.graph.neo4j_server import free_port

pytestmark = pytest.mark.integration


def test_unreachable_neo4j_names_the_uri_and_the_fix_quickly() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    store = Neo4jGraphStore(uri, "neo4j", "pw", connect_timeout_s=3)
    started = time.monotonic()
    with pytest.raises(GraphStoreUnavailable, match="(?s)cannot reach Neo4j at .*KGQA_GRAPH__URI"):
        store.open()
    assert time.monotonic() - started < 20


@pytest.mark.neo4j
def test_wrong_password_names_the_user(neo4j_uri_and_auth) -> None:
    uri, user, _, database = neo4j_uri_and_auth
    store = Neo4jGraphStore(uri, user, "definitely-wrong", database)
    with pytest.raises(GraphStoreUnavailable, match="rejected user 'neo4j'.*KGQA_GRAPH__PASSWORD"):
        store.open()


@pytest.mark.neo4j
def test_unknown_database_names_it(neo4j_uri_and_auth) -> None:
    uri, user, password, _ = neo4j_uri_and_auth
    store = Neo4jGraphStore(uri, user, password, "nosuchdb")
    with pytest.raises(GraphStoreUnavailable, match="'nosuchdb'.*KGQA_GRAPH__DATABASE"):
        store.open()


@pytest.mark.neo4j
def test_schema_init_drops_the_unused_entity_name_index(neo4j_uri_and_auth, neo4j_driver) -> None:
    """Stores made before the full-text index was dropped lose it on the next start (it was
    updated on every write and read by nothing)."""
    uri, user, password, database = neo4j_uri_and_auth
    neo4j_driver.execute_query(
        "CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (e:Entity) ON EACH [e.name]",
        database_=database,
    )

    def fulltext_indexes() -> list[str]:
        records, _, _ = neo4j_driver.execute_query(
            "SHOW FULLTEXT INDEXES YIELD name RETURN name", database_=database
        )
        return [r["name"] for r in records]

    assert "entity_names" in fulltext_indexes()
    graph_store = Neo4jGraphStore(uri, user, password, database)
    graph_store.open()
    try:
        graph_store.init_schema()
        graph_store.init_schema()  # idempotent once the index is gone
    finally:
        graph_store.close()
    assert "entity_names" not in fulltext_indexes()


def test_embedded_store_on_a_path_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(GraphStoreUnavailable, match=str(blocker)):
        LadybugGraphStore(blocker / "g.lbug").open()


def test_embedded_store_locked_by_another_process(tmp_path: Path) -> None:
    path = tmp_path / "g.lbug"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from kgqa.graph.embedded import LadybugGraphStore as S; "
            f"s = S({str(path)!r}); s.open(); s.init_schema(); print('open', flush=True); "
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(GraphStoreUnavailable, match="in use by another process"):
            LadybugGraphStore(path).open()
    finally:
        holder.kill()
        holder.wait()
    # Once the other process is gone, the data opens fine.
    store = LadybugGraphStore(path)
    store.open()
    store.close()
