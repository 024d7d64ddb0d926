"""Settings + store + vector indexes -> a ready GraphFusedRetriever (models load lazily)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np

from kgqa.embedding.factory import embedder_for
from kgqa.embedding.text_cache import CachedTexts
from kgqa.graph.base import GraphStore
from kgqa.keyword.bm25 import Bm25KeywordIndex
from kgqa.language import detect_language
from kgqa.relation_examples.match import ExampleMatcher
from kgqa.retrieval.engine import GraphFusedRetriever
from kgqa.retrieval.graph import GraphRetriever, PredicateScorer
from kgqa.retrieval.kb import KbAnswerer
from kgqa.retrieval.linking import EntityLinker
from kgqa.retrieval.pagerank import PersonalizedPageRank
from kgqa.settings import Settings
from kgqa.vectors.registry import VectorIndexes


class StoreFingerprint:
    """The store's counts, re-read at most every ``ttl_s`` seconds: derived indexes (BM25,
    the PageRank matrix) rebuild when it changes. ``bump()`` forces a re-read after a write."""

    def __init__(self, store: GraphStore, ttl_s: float = 2.0) -> None:
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


def build_retriever(
    settings: Settings,
    store: GraphStore,
    vectors: VectorIndexes,
    fingerprint: StoreFingerprint,
) -> GraphFusedRetriever:
    models = settings.models

    def embed_query(text: str) -> np.ndarray:
        embedder = embedder_for(models, detect_language(text))
        return embedder.embed([text], kind="query")[0]

    def embed_texts(texts: Sequence[str]) -> np.ndarray:
        return embedder_for(models, "en").embed(texts, kind="query")

    def dense(question: str, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        embedder = embedder_for(models, detect_language(question))
        # The vector's width, not embedder.dim: a lazily loaded embedder knows its dim only
        # once it has embedded something.
        index = vectors.passages(embedder.name, int(vector.shape[-1]))
        return index.search(vector[None, :], k)[0]

    def dense_similarities(
        question: str, vector: np.ndarray, chunk_ids: Sequence[str]
    ) -> dict[str, float]:
        embedder = embedder_for(models, detect_language(question))
        index = vectors.passages(embedder.name, int(vector.shape[-1]))
        return index.similarities(vector, chunk_ids)

    keyword_index = Bm25KeywordIndex()

    def keyword_source() -> tuple[list[str], list[str]]:
        titles: dict[str, str] = {}
        ids: list[str] = []
        texts: list[str] = []
        for page in store.iter_chunks():
            missing = sorted({c.doc_id for c in page} - titles.keys())
            titles.update({d.id: d.title for d in store.get_documents(missing)})
            for chunk in page:
                ids.append(chunk.id)
                texts.append(f"{titles.get(chunk.doc_id, '')}\n{chunk.text}")
        return ids, texts

    def keyword(question: str, k: int) -> list[tuple[str, float]]:
        keyword_index.ensure(fingerprint(), keyword_source)
        return keyword_index.search(question, k)

    def search_names(spans: Sequence[str]) -> list[list[tuple[str, float]]]:
        embedder = embedder_for(models, detect_language(" ".join(spans)))
        queries = embedder.embed(list(spans), kind="query")
        index = vectors.entities(embedder.name, int(queries.shape[1]))
        return index.search(queries, k=3)

    kb_seen: dict[str, object] = {"fingerprint": None, "has": False}

    def has_kb() -> bool:
        """Relation-path answers need imported KB triples; checked once per store change."""
        current = fingerprint()
        if kb_seen["fingerprint"] != current:
            kb_seen.update(fingerprint=current, has=store.has_relations_of_kind("kb"))
        return bool(kb_seen["has"])

    r = settings.retrieval
    linker = EntityLinker(store, search_names, threshold=r.link_threshold)
    # Relation names, relation paths and a question's words recur across questions.
    short_texts = CachedTexts(embed_texts)
    scorer = PredicateScorer(short_texts)
    return GraphFusedRetriever(
        store=store,
        linker=linker,
        embed_query=embed_query,
        dense=dense,
        dense_similarities=dense_similarities,
        keyword=keyword,
        graph=GraphRetriever(store, scorer, r.hops, r.fanout, r.max_facts),
        pagerank=PersonalizedPageRank(store, damping=r.ppr_damping),
        kb=KbAnswerer(
            store,
            short_texts,
            enabled=has_kb,
            examples=ExampleMatcher(settings.relation_examples_path, embed_texts),
        ),
        settings=r,
        fingerprint=fingerprint,
    )
