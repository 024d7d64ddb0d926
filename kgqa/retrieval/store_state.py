"""What the read path remembers about the store between questions, and when to forget it."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kgqa.graph.base import GraphStore


class StoreFingerprint:
    """The store's version (``GraphStore.version``, raised by every write of any process):
    derived indexes (BM25, the PageRank matrix, the graph snapshot, the KB flag) rebuild when
    it changes. Read from the store on every call, one indexed lookup, so a replica sees
    another's write from its next question on; inside ``held()`` it is read once, so one
    question's parts agree on one version. ``bump()`` is kept for callers that wrote through
    this process."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._held = threading.local()  # per thread: a server answers questions concurrently
        self._questions = itertools.count()

    def __call__(self) -> object:
        held = getattr(self._held, "version", None)
        return held if held is not None else self._store.version()

    def question(self) -> int | None:
        """A number for the question under way in this thread (inside ``held()``), new for each
        question; None outside one."""
        return getattr(self._held, "question", None)

    @contextmanager
    def held(self) -> Iterator[object]:
        """The version read once for the block (one question); nested blocks share it."""
        if getattr(self._held, "version", None) is not None:
            yield self._held.version
            return
        self._held.version = self._store.version()
        self._held.question = next(self._questions)
        try:
            yield self._held.version
        finally:
            self._held.version = self._held.question = None

    def bump(self) -> None:
        """Nothing to forget: the next call reads the store's version again."""


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
