"""What the read path remembers about the store between questions, and when to forget it."""

from __future__ import annotations

import threading
import time

from kgqa.graph.base import GraphStore

# Seconds a fingerprint is trusted before the store's counts are read again; writes through
# KGQA bump it at once, so this only bounds how late a write by another process is seen.
_FINGERPRINT_TTL_S = 2.0


class StoreFingerprint:
    """The store's counts, re-read at most every ``ttl_s`` seconds: derived indexes (BM25,
    the PageRank matrix) rebuild when it changes. ``bump()`` forces a re-read after a write."""

    def __init__(self, store: GraphStore, ttl_s: float = _FINGERPRINT_TTL_S) -> None:
        self._store = store
        self._ttl_s = ttl_s
        self._value: object = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> object:
        with self._lock:
            now = time.monotonic()
            if self._value is None or now - self._read_at > self._ttl_s:
                self._value = tuple(self._store.stats().as_dict().items())
                self._read_at = now
            return self._value

    def bump(self) -> None:
        with self._lock:
            self._value = None


class HasKbRelations:
    """Whether the store holds imported (``kb``) relations, which relation-path answers need;
    asked of the store once per store change."""

    def __init__(self, store: GraphStore, fingerprint: StoreFingerprint) -> None:
        self._store = store
        self._fingerprint = fingerprint
        self._seen: tuple[object, bool] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> bool:
        current = self._fingerprint()
        with self._lock:
            if self._seen is None or self._seen[0] != current:
                self._seen = (current, self._store.has_relations_of_kind("kb"))
            return self._seen[1]
