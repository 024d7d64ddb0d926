"""Chunks, entities and documents read by id, kept for the store version they were read at.

The read path fetches the same records several times per question (the bridge's first-round
chunks, then the fused top passages among them; the facts' entities, then their types) and
again across questions (popular entities and pages). On the embedded store each read is a
fast local query; on Neo4j each is a network round trip (~1.2 ms on localhost for the
smallest query, 1.4-2.2 ms for these; bench/backend_latency.py, README "Server mode"). A
record never changes within one store version (every write moves it), so what was read at
the version a question holds is served from memory, and a new version starts empty.

Example::

    chunks = RecordCache(store.get_chunks, lambda c: c.id, fingerprint, capacity=10_000)
    chunks.get(["doc#0", "doc#1"])   # reads the store
    chunks.get(["doc#1"])            # from memory, same version
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from kgqa.retrieval.store_state import StoreFingerprint

R = TypeVar("R")


class RecordCache(Generic[R]):
    """Thread-safe, least recently used out past ``capacity`` records. ``fetch`` returns the
    records it finds of the ids asked (unknown ids skipped, in any order); ``get`` returns
    them in the order of the ids asked, each once. Ids not found are asked again next time."""

    def __init__(
        self,
        fetch: Callable[[Sequence[str]], Sequence[R]],
        key: Callable[[R], str],
        fingerprint: StoreFingerprint,
        capacity: int,
    ) -> None:
        self._fetch = fetch
        self._key = key
        self._fingerprint = fingerprint
        self._capacity = capacity
        self._version: object = None
        self._records: OrderedDict[str, R] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, ids: Sequence[str]) -> list[R]:
        wanted = list(dict.fromkeys(ids))
        version = self._fingerprint()
        with self._lock:
            if self._version != version:
                self._records.clear()
                self._version = version
            found = {i: self._records[i] for i in wanted if i in self._records}
            for i in found:
                self._records.move_to_end(i)
        missing = [i for i in wanted if i not in found]
        if missing:
            fetched = {self._key(r): r for r in self._fetch(missing)}
            found.update(fetched)
            self._keep(version, fetched)
        return [found[i] for i in wanted if i in found]

    def _keep(self, version: object, fetched: dict[str, R]) -> None:
        with self._lock:
            if self._version != version:  # a newer version started while we read
                return
            self._records.update(fetched)
            while len(self._records) > self._capacity:
                self._records.popitem(last=False)
