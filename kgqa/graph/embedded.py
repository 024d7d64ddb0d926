"""The default, embedded graph store: LadybugDB (the maintained fork of Kuzu), in one directory.

No server to run. One process at a time may open a database directory (the engine locks it);
inside that process the store is safe to share between threads (one connection, one lock).
Vectors and keyword search live elsewhere (FAISS, BM25): Ladybug's own vector and full-text
extensions download at run time, which kgqa never does.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kgqa.domain import Document
from kgqa.errors import GraphStoreError, GraphStoreUnavailable
from kgqa.graph.cypher_store import CypherGraphStore, Rows, check_page

logger = logging.getLogger(__name__)


class _LadybugTransaction:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def run(self, query: str, params: dict[str, Any]) -> Rows:
        return _rows(self._connection.execute(query, params))


class LadybugGraphStore(CypherGraphStore):
    """Example::

    store = LadybugGraphStore(Path("kgqa-data/graph.lbug"))
    store.open()
    store.init_schema()
    """

    dialect = "ladybug"

    def __init__(
        self, path: Path, buffer_pool_mb: int = 1024, write_batch_rows: int = 20_000
    ) -> None:
        super().__init__(write_batch_rows)
        self.path = Path(path)
        self._buffer_pool_mb = buffer_pool_mb
        self._db: Any = None
        self._conn: Any = None
        self._lock = threading.RLock()

    def open(self) -> None:
        import ladybug

        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise GraphStoreUnavailable(f"cannot create the data directory {parent}: {e}") from e
        if not os.access(parent, os.W_OK):
            raise GraphStoreUnavailable(
                f"the data directory {parent} is not writable; set KGQA_DATA_DIR to one that is"
            )
        try:
            self._db = ladybug.Database(
                str(self.path), buffer_pool_size=self._buffer_pool_mb * 1024 * 1024
            )
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as e:
            message = str(e)
            if "lock" in message.lower():
                raise GraphStoreUnavailable(
                    f"the graph at {self.path} is in use by another process (a running "
                    "`kgqa serve`?); nothing was written. Send the documents to that server "
                    "(POST /v1/documents, e.g. `curl -F file=@notes.md "
                    "http://127.0.0.1:8000/v1/documents`), or stop it and run this again, or "
                    "keep the store in Neo4j (KGQA_GRAPH__BACKEND=neo4j), which any number of "
                    "processes share"
                ) from e
            raise GraphStoreUnavailable(f"cannot open the graph at {self.path}: {message}") from e

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            if self._db is not None:
                self._db.close()
            self._conn = self._db = None

    def _connection(self) -> Any:
        if self._conn is None:
            raise GraphStoreError(f"the graph at {self.path} is not open; call open() first")
        return self._conn

    def _read(self, query: str, params: dict[str, Any]) -> Rows:
        with self._lock:
            try:
                return _rows(self._connection().execute(query, params))
            except RuntimeError as e:
                raise GraphStoreError(f"graph query failed: {e}") from e

    def list_documents(self, offset: int = 0, limit: int = 100) -> list[Document]:
        # Ladybug's ORDER BY .. SKIP crashes the process when SKIP is some 10,000 past the last
        # row (ladybug 0.22; 11,915 on a 1-row table, 9,575 past 50,000 rows): past the end, the
        # page is empty without asking. Under the lock, so no write moves the end meanwhile.
        check_page(offset, limit)
        with self._lock:
            if offset and offset >= int(self._fetch("count_documents")[0][0]):
                return []
            return super().list_documents(offset, limit)

    def _run_schema(self, statement: str) -> None:
        with self._lock:
            self._connection().execute(statement)

    @contextmanager
    def _write_transaction(self) -> Iterator[_LadybugTransaction]:
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN TRANSACTION")
            try:
                yield _LadybugTransaction(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except RuntimeError as e:
                raise GraphStoreError(f"commit failed: {e}") from e


def _rows(result: Any) -> Rows:
    rows: Rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows
