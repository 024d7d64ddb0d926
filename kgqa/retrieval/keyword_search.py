"""Keyword search: BM25 over every chunk (title and text), rebuilt when the store changes."""

from __future__ import annotations

from kgqa.graph.base import GraphStore
from kgqa.keyword.bm25 import Bm25KeywordIndex
from kgqa.retrieval.base import Ranked
from kgqa.retrieval.store_state import StoreFingerprint


class Bm25KeywordSearch:
    def __init__(self, store: GraphStore, fingerprint: StoreFingerprint) -> None:
        self._store = store
        self._fingerprint = fingerprint
        self._index = Bm25KeywordIndex()

    def search(self, question: str, k: int) -> Ranked:
        self._index.ensure(self._fingerprint(), self._corpus)
        return self._index.search(question, k)

    def _corpus(self) -> tuple[list[str], list[str]]:
        """(chunk ids, "title\\ntext") of every chunk in the store."""
        titles: dict[str, str] = {}
        ids: list[str] = []
        texts: list[str] = []
        for page in self._store.iter_chunks():
            missing = sorted({c.doc_id for c in page} - titles.keys())
            titles.update({d.id: d.title for d in self._store.get_documents(missing)})
            for chunk in page:
                ids.append(chunk.id)
                texts.append(f"{titles.get(chunk.doc_id, '')}\n{chunk.text}")
        return ids, texts
