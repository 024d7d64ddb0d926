"""The local Neo4j launcher itself: a real JVM, a real Bolt port."""

from __future__ import annotations

import socket
from pathlib import Path

import neo4j
import pytest

from kgqa.errors import GraphStoreUnavailable
from kgqa.graph.neo4j_server import Neo4jServer, free_port

pytestmark = [pytest.mark.integration, pytest.mark.neo4j]


def test_session_server_answers_and_rejects_a_wrong_password(neo4j_uri_and_auth, neo4j_driver):
    uri, user, _, database = neo4j_uri_and_auth
    records, _, _ = neo4j_driver.execute_query("RETURN 1 AS one", database_=database)
    assert records[0]["one"] == 1
    versions, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD versions RETURN versions[0] AS v", database_=database
    )
    assert versions[0]["v"].startswith("5.26.")
    with (
        neo4j.GraphDatabase.driver(uri, auth=(user, "not-the-password")) as wrong,
        pytest.raises(neo4j.exceptions.AuthError),
    ):
        wrong.verify_connectivity()


@pytest.mark.slow
def test_stop_closes_the_port_and_data_survives_a_restart(tmp_path: Path) -> None:
    server = Neo4jServer(home=tmp_path / "n4", port=free_port(), password="another-pw-1")
    uri = server.start()
    with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "another-pw-1")) as driver:
        driver.execute_query("CREATE (:Marker {name: $n})", n="kept", database_="neo4j")
    server.stop()
    assert not server.is_running()
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(1)
        s.connect(("127.0.0.1", server.port))
    server.start()
    try:
        with neo4j.GraphDatabase.driver(uri, auth=("neo4j", "another-pw-1")) as driver:
            records, _, _ = driver.execute_query(
                "MATCH (m:Marker) RETURN m.name AS name", database_="neo4j"
            )
        assert [r["name"] for r in records] == ["kept"]
    finally:
        server.stop()


def test_a_launcher_that_cannot_start_raises_with_its_log(tmp_path: Path) -> None:
    server = Neo4jServer(home=tmp_path / "bad", port=free_port(), password="short")
    with pytest.raises(GraphStoreUnavailable, match="at least 8 characters"):
        server.start(timeout=60)
