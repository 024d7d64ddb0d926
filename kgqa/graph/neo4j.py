"""Neo4j 5 over Bolt with the official driver: the production graph store.

Every call names its database (``database_``); reads are routed as reads, so a cluster can
serve them from followers; a batch write is one explicit transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from kgqa.domain import GraphBatch, Relation
from kgqa.errors import GraphStoreError, GraphStoreUnavailable, GraphWriteConflict
from kgqa.graph.cypher_store import CypherGraphStore, Rows, Transaction
from kgqa.graph.staged_vectors import StagedVectors
from kgqa.settings import GraphSettings

logger = logging.getLogger(__name__)

# Vector rows per statement: 2,000 x 384 floats is ~6 MB of Bolt message, where the graph's
# 20,000-row statements carry a few MB too; not tuned further.
_VECTOR_ROWS_PER_STATEMENT = 2_000

# Two writers opening a new store both run "CREATE ... IF NOT EXISTS"; the one that loses the
# race gets this code for a rule equal to the one it asked for, which is then already there
# (two `kgqa ingest` processes on one Neo4j: tests/integration/test_concurrent_writers.py).
_SCHEMA_RULE_RACED = "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
# A write that lost a race with another writer: Neo4j's transient errors (deadlocks, lock
# timeouts) and a unique node both writers created at once (a shared document's chunks).
_TRANSIENT_PREFIX = "Neo.TransientError."
_CONFLICT_CODES = frozenset({"Neo.ClientError.Schema.ConstraintValidationFailed"})
# Transient codes that mean the database itself is going away or not there yet, not a race:
# what a server being stopped mid-ingest answers an open session with
# (tests/integration/test_ingest.py::test_neo4j_stopped_mid_run_then_restarted, 2026-12-02).
_UNAVAILABLE_CODES = frozenset(
    {
        "Neo.TransientError.General.DatabaseUnavailable",
        "Neo.TransientError.Database.DatabaseUnavailable",
    }
)
# A relation's weight when it has none stored: ``Relation.weight``'s default, which 27,361 of
# 27,361 relations extracted from 1,000 2Wiki passages carry (2026-12-02); the Neo4j reads
# (cypher/neo4j/get_*entity_entity_edges.cypher) coalesce a missing weight to the same 1.0.
_DEFAULT_WEIGHT = 1.0


class _Neo4jTransaction:
    def __init__(self, tx: neo4j.Transaction) -> None:
        self._tx = tx

    def run(self, query: str, params: dict[str, Any]) -> Rows:
        return [list(record.values()) for record in self._tx.run(query, params)]


class Neo4jGraphStore(CypherGraphStore):
    """Example::

    store = Neo4jGraphStore("bolt://127.0.0.1:7687", "neo4j", "secret")
    store.open()
    store.init_schema()
    """

    dialect = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str = "neo4j",
        connect_timeout_s: float = 10.0,
        query_timeout_s: float = 120.0,
        write_batch_rows: int = 20_000,
    ) -> None:
        super().__init__(write_batch_rows)
        self.uri = uri
        self.user = user
        self.database = database
        self._password = password
        self._connect_timeout_s = connect_timeout_s
        self._query_timeout_s = query_timeout_s
        self._driver: neo4j.Driver | None = None
        # Vectors added for chunks and entities (``kgqa.vectors.neo4j``) wait here for the
        # batch that writes their nodes, and go into the graph in that batch's transaction.
        self.staged_vectors = StagedVectors()
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()

    @classmethod
    def from_settings(cls, graph: GraphSettings) -> Neo4jGraphStore:
        return cls(
            uri=graph.uri,
            user=graph.user,
            password=graph.password.get_secret_value(),
            database=graph.database,
            connect_timeout_s=graph.connect_timeout_s,
            query_timeout_s=graph.query_timeout_s,
            write_batch_rows=graph.write_batch_rows,
        )

    def open(self) -> None:
        try:
            driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=(self.user, self._password),
                connection_timeout=self._connect_timeout_s,
                connection_acquisition_timeout=self._connect_timeout_s,
                max_transaction_retry_time=self._connect_timeout_s,
                max_connection_pool_size=32,
            )
        except (ValueError, DriverError) as e:
            raise GraphStoreUnavailable(
                f"invalid Neo4j URI {self.uri!r}: {e}; set KGQA_GRAPH__URI"
            ) from e
        try:
            driver.verify_connectivity()
            driver.execute_query(
                "RETURN 1",
                database_=self.database,
                routing_=neo4j.RoutingControl.READ,
            )
        except AuthError as e:
            driver.close()
            raise GraphStoreUnavailable(
                f"Neo4j at {self.uri} rejected user {self.user!r}: wrong password? "
                "Set KGQA_GRAPH__USER / KGQA_GRAPH__PASSWORD"
            ) from e
        except (ServiceUnavailable, OSError) as e:
            driver.close()
            raise GraphStoreUnavailable(
                f"cannot reach Neo4j at {self.uri} ({e}); start it (`kgqa neo4j start` for a "
                "local one) or set KGQA_GRAPH__URI"
            ) from e
        except Neo4jError as e:
            driver.close()
            if "database" in str(e.message or "").lower() or "Database" in str(e.code or ""):
                raise GraphStoreUnavailable(
                    f"Neo4j at {self.uri} has no database {self.database!r}; "
                    "create it or set KGQA_GRAPH__DATABASE"
                ) from e
            raise GraphStoreUnavailable(f"Neo4j at {self.uri} refused: {e}") from e
        self._driver = driver

    def close(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def _require_driver(self) -> neo4j.Driver:
        if self._driver is None:
            raise GraphStoreError("the Neo4j store is not open; call open() first")
        return self._driver

    def _read(self, query: str, params: dict[str, Any]) -> Rows:
        """An auto-commit read: RUN and PULL go in one round trip, where a managed transaction
        (``execute_query``) adds BEGIN and COMMIT: 0.67-0.79 against 1.08-1.22 ms for the
        smallest query on the local Neo4j, and a question reads ~10 times. A read that fails
        in a way worth retrying (a cluster member going away) goes again through
        ``execute_query``, whose retries run until ``max_transaction_retry_time``."""
        driver = self._require_driver()
        statement = neo4j.Query(query, timeout=self._query_timeout_s)
        try:
            try:
                with self._session(driver, neo4j.READ_ACCESS) as session:
                    return [list(r.values()) for r in session.run(statement, params)]
            except (Neo4jError, DriverError) as e:
                if not e.is_retryable():
                    raise
            records, _, _ = driver.execute_query(
                statement,
                params,
                database_=self.database,
                routing_=neo4j.RoutingControl.READ,
                bookmark_manager_=self._bookmarks,
            )
        except (Neo4jError, DriverError) as e:
            raise self._error(e, "reading") from e
        return [list(r.values()) for r in records]

    def _session(self, driver: neo4j.Driver, access_mode: str) -> neo4j.Session:
        """A session that chains on this process's earlier writes and reads (one bookmark
        manager): on a cluster, a read follows the writes this process committed."""
        return driver.session(
            database=self.database,
            default_access_mode=access_mode,
            bookmark_manager=self._bookmarks,
        )

    def _run_schema(self, statement: str, params: dict[str, Any] | None = None) -> None:
        driver = self._require_driver()
        try:
            driver.execute_query(statement, params or {}, database_=self.database)
        except ClientError as e:
            if e.code == _SCHEMA_RULE_RACED:
                return  # another writer created the same rule between our check and create
            raise GraphStoreError(f"schema statement failed: {e}") from e

    # -- for the Neo4j vector and full-text backends (kgqa.vectors.neo4j, kgqa.keyword.neo4j) --
    def read_query(self, name: str, **params: Any) -> Rows:
        """Run the read statement ``cypher/neo4j/<name>.cypher`` with ``params``."""
        return self._fetch(name, **params)

    def write_query(self, name: str, bump_version: bool = True, **params: Any) -> Rows:
        """Run the write statement ``name`` in its own transaction; the store version moves
        unless the write changes nothing a reader derives state from (``bump_version``)."""
        with self._write_transaction() as tx:
            rows = tx.run(self._q(name), params)
            if bump_version:
                self._bump_version(tx)
        return rows

    def run_schema(self, statement: str, **params: Any) -> None:
        self._run_schema(statement, params)

    def flush_staged_vectors(self) -> None:
        """Write vectors staged for nodes that no batch wrote (e.g. re-embedded after a crash)."""
        staged = self.staged_vectors.take_all()
        if not staged:
            return
        with self._write_transaction() as tx:
            self._write_vectors(tx, staged)
            self._bump_version(tx)

    def _after_insert(self, tx: Transaction, batch: GraphBatch) -> None:
        staged = self.staged_vectors.take(
            chunk_ids={c.id for c in batch.chunks}, entity_ids={e.id for e in batch.entities}
        )
        self._write_vectors(tx, staged)

    def _create_relations(self, tx: Transaction, relations: Sequence[Relation]) -> None:
        query = self._q("create_relations")
        step = self._write_batch_rows
        for i in range(0, len(relations), step):
            tx.run(query, indexed_relation_params(relations[i : i + step]))

    def _write_vectors(self, tx: Transaction, staged: StagedVectors.Taken) -> None:
        for target, rows in staged:
            query = self._q(f"set_{target.label.lower()}_vectors")
            step = _VECTOR_ROWS_PER_STATEMENT
            for i in range(0, len(rows), step):
                tx.run(query, {"property": target.property, "rows": rows[i : i + step]})

    @contextmanager
    def resolution_lock(self) -> Iterator[None]:
        """A write lock on the one ``ResolutionLock`` node, taken by a transaction that stays
        open while the caller resolves and writes in transactions of its own, and committed
        at the end. Writers in other processes wait at ``take_resolution_lock`` until then, so
        each resolves against what the one before it committed. A writer that dies loses its
        connection, and Neo4j rolls its transaction back and releases the lock; no timeout, as
        a large batch may hold it for a while. This process's threads queue before Neo4j."""
        with self._resolution_lock:
            driver = self._require_driver()
            try:
                session = driver.session(database=self.database)
                tx = session.begin_transaction()
                tx.run(self._q("take_resolution_lock"), {}).consume()
            except (Neo4jError, DriverError) as e:
                raise self._error(e, "taking the resolution lock") from e
            try:
                yield
            finally:
                # Nothing in the lock's transaction is worth keeping but the node's count, and
                # an error inside must not hide the caller's: release it either way.
                try:
                    if not tx.closed():
                        tx.commit()
                except (Neo4jError, DriverError) as e:
                    logger.warning("releasing the resolution lock: %s", e)
                finally:
                    session.close()

    @contextmanager
    def _write_transaction(self) -> Iterator[_Neo4jTransaction]:
        driver = self._require_driver()
        try:
            with (
                self._session(driver, neo4j.WRITE_ACCESS) as session,
                session.begin_transaction(timeout=self._query_timeout_s) as tx,
            ):
                # Leaving the block with an exception rolls the transaction back.
                yield _Neo4jTransaction(tx)
                tx.commit()
        except (Neo4jError, DriverError) as e:
            raise self._error(e, "writing") from e

    def _error(self, error: Neo4jError | DriverError, doing: str) -> GraphStoreError:
        """The store error a driver error means: the server gone (stopped, unreachable), a
        write that lost a race (safe to retry), or a failure of the statement itself."""
        code = str(getattr(error, "code", "") or "")
        if isinstance(error, ServiceUnavailable | SessionExpired) or code in _UNAVAILABLE_CODES:
            return GraphStoreUnavailable(
                f"lost Neo4j at {self.uri} while {doing}: {error}; restart it and retry "
                "(an interrupted `kgqa ingest` resumes from its last committed batch)"
            )
        if isinstance(error, Neo4jError) and _is_write_conflict(error):
            return GraphWriteConflict(f"Neo4j conflict with another writer while {doing}: {error}")
        return GraphStoreError(f"Neo4j failed while {doing}: {error}")


def indexed_relation_params(relations: Sequence[Relation]) -> dict[str, Any]:
    """The parameters of ``cypher/neo4j/create_relations.cypher``: each distinct entity id once
    (sorted, so concurrent writers take its index-entry locks in one order), and each relation
    as a list that names its two entities by position in ``ids``.

    The statement then seeks each entity once instead of twice per relation, and Bolt carries
    lists instead of maps with ten keys each. An empty ``surface`` and the default weight are
    sent as null, which Neo4j does not store, and the reads take back as "" and 1.0
    (``coalesce``): on 27k real 2Wiki co-occurrence-heavy relations that is ~3.1 property
    records a relationship instead of ~4.0 (3,440 vs 4,368 KiB of property store), and every
    record costs again at commit (commands, sorting, the log). Measured in bench/graph_writes.py.

    >>> indexed_relation_params([Relation("b", "p", "a", "syntactic", "d")])["rows"]
    [[1, 0, 'p', 'syntactic', 'd', '', 0, 0, None, None]]
    """
    ids = sorted({r.subject_id for r in relations} | {r.object_id for r in relations})
    position = {entity_id: i for i, entity_id in enumerate(ids)}
    rows = [
        [
            position[r.subject_id],
            position[r.object_id],
            r.predicate,
            r.kind,
            r.doc_id,
            r.chunk_id,
            r.start,
            r.end,
            None if r.weight == _DEFAULT_WEIGHT else float(r.weight),
            r.surface or None,
        ]
        for r in relations
    ]
    return {"ids": ids, "rows": rows}


def _is_write_conflict(error: Neo4jError) -> bool:
    code = str(error.code or "")
    return code.startswith(_TRANSIENT_PREFIX) or code in _CONFLICT_CODES
