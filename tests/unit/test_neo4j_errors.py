"""What a driver error becomes: a lost server names Neo4j and says what to do, a race is a
retryable conflict, anything else a plain store error. The real server going away mid-ingest is
tests/integration/test_ingest.py::test_neo4j_stopped_mid_run_then_restarted."""

from __future__ import annotations

import pytest
from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

from kgqa.errors import GraphStoreError, GraphStoreUnavailable, GraphWriteConflict
from kgqa.graph.neo4j import Neo4jGraphStore


def _server_error(code: str) -> Neo4jError:
    return Neo4jError._hydrate_neo4j(code=code, message="from the server")


@pytest.fixture
def store() -> Neo4jGraphStore:
    return Neo4jGraphStore("bolt://127.0.0.1:7999", "neo4j", "pw")  # never opened


@pytest.mark.parametrize(
    "error",
    [
        ServiceUnavailable("connection refused"),
        SessionExpired("the connection closed"),
        _server_error("Neo.TransientError.General.DatabaseUnavailable"),
    ],
)
def test_a_server_going_away_is_unavailable_and_names_neo4j(store, error) -> None:
    translated = store._error(error, "taking the resolution lock")
    assert type(translated) is GraphStoreUnavailable
    assert "Neo4j at bolt://127.0.0.1:7999" in str(translated)
    assert "restart it" in str(translated)


def test_a_deadlock_is_a_retryable_conflict(store) -> None:
    translated = store._error(
        _server_error("Neo.TransientError.Transaction.DeadlockDetected"), "writing"
    )
    assert type(translated) is GraphWriteConflict


def test_anything_else_is_a_store_error_that_names_neo4j(store) -> None:
    error = _server_error("Neo.ClientError.Statement.SyntaxError")
    translated = store._error(error, "reading")
    assert type(translated) is GraphStoreError
    assert str(translated).startswith("Neo4j failed while reading")
