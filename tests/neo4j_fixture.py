"""Session fixtures for the real Neo4j: started from the Java launcher, or the one named by
KGQA_NEO4J_URI. If it cannot start, the tests that need it FAIL (never skip)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from kgqa.graph.neo4j_server import DEFAULT_PASSWORD, Neo4jServer, free_port

Neo4jAccess = tuple[str, str, str, str]  # uri, user, password, database


def graph_settings(request: pytest.FixtureRequest) -> dict:
    """The ``graph`` settings of a test parametrised over "embedded" and "neo4j"; for Neo4j the
    test database is emptied first."""
    if request.param != "neo4j":
        return {"backend": "embedded"}
    uri, user, password, database = request.getfixturevalue("neo4j_uri_and_auth")
    driver = request.getfixturevalue("neo4j_driver")
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)
    return {"backend": "neo4j", "uri": uri, "user": user, "password": password}


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jServer | None]:
    if os.environ.get("KGQA_NEO4J_URI"):
        yield None
        return
    server = Neo4jServer(home=Path(tmp_path_factory.mktemp("neo4j")), port=free_port())
    try:
        server.start(timeout=180)
    except Exception as e:  # noqa: BLE001 - any failure to start must fail the tests loudly
        pytest.fail(f"could not start Neo4j for the tests: {e}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_uri_and_auth(neo4j_server: Neo4jServer | None) -> Neo4jAccess:
    if neo4j_server is None:
        return (
            os.environ["KGQA_NEO4J_URI"],
            os.environ.get("KGQA_NEO4J_USER", "neo4j"),
            os.environ.get("KGQA_NEO4J_PASSWORD", DEFAULT_PASSWORD),
            os.environ.get("KGQA_NEO4J_DATABASE", "neo4j"),
        )
    return (neo4j_server.uri, "neo4j", neo4j_server.password, "neo4j")


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_uri_and_auth: Neo4jAccess) -> Iterator[neo4j.Driver]:
    uri, user, password, _ = neo4j_uri_and_auth
    driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10)
    driver.verify_connectivity()
    yield driver
    driver.close()
