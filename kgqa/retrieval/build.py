"""Settings + store + vector indexes + embedders -> a ready GraphFusedRetriever.

Only construction: every part is a named class (``kgqa.retrieval.base`` lists their protocols),
models load on first use, and nothing here reads the store. The parts' graph reads go through
the in-memory ``GraphSnapshot`` unless ``retrieval.graph_snapshot`` is off.
"""

from __future__ import annotations

from kgqa.embedding.base import WordVocabulary
from kgqa.embedding.factory import Embedders
from kgqa.graph.base import GraphReads, GraphStore
from kgqa.relation_examples.match import ExampleMatcher
from kgqa.retrieval.base import KeywordSearcher
from kgqa.retrieval.bridge import SentenceBridging
from kgqa.retrieval.dense import FaissDenseSearch
from kgqa.retrieval.engine import GraphFusedRetriever, RetrievalParts
from kgqa.retrieval.entity_names import FaissEntityNameSearch
from kgqa.retrieval.graph import KHopFactExpansion
from kgqa.retrieval.kb import KbAnswerer
from kgqa.retrieval.keyword_search import Bm25KeywordSearch
from kgqa.retrieval.linking import EntityLinker
from kgqa.retrieval.pagerank import PageRankRanking, PersonalizedPageRank
from kgqa.retrieval.sentence_vectors import SentenceScores
from kgqa.retrieval.snapshot import GraphSnapshot
from kgqa.retrieval.store_state import HasKbRelations, StoreFingerprint
from kgqa.retrieval.topic import TopicPageRanking
from kgqa.settings import Settings
from kgqa.vectors.base import VectorStore

# Relation names are English in every KB we read, so relation paths are scored in the English
# space; the KB answerer embeds the question's texts there too (same space by construction).
KB_LANGUAGE = "en"


def build_retriever(
    settings: Settings,
    store: GraphStore,
    vectors: VectorStore,
    embedders: Embedders,
    fingerprint: StoreFingerprint,
    keyword: KeywordSearcher | None = None,
) -> GraphFusedRetriever:
    """``keyword`` replaces the BM25 default (the Neo4j store's full-text index: wiring)."""
    r = settings.retrieval
    dense = FaissDenseSearch(vectors)
    snapshot = (
        GraphSnapshot(store, fingerprint, r.graph_snapshot_max_rows) if r.graph_snapshot else None
    )
    reads: GraphReads = snapshot or store
    kb_space = embedders.space(KB_LANGUAGE)
    kb_words = kb_space.embedder
    parts = RetrievalParts(
        linker=EntityLinker(
            reads, FaissEntityNameSearch(embedders, vectors), threshold=r.link_threshold
        ),
        dense=dense,
        keyword=keyword or Bm25KeywordSearch(store, fingerprint),
        facts=KHopFactExpansion(reads, r.hops, r.fanout, r.max_facts),
        topics=TopicPageRanking(reads, dense),
        bridges=SentenceBridging(
            reads, dense, SentenceScores(vectors, use_stored=r.stored_sentence_vectors)
        ),
        graph=PageRankRanking(PersonalizedPageRank(reads, damping=r.ppr_damping), fingerprint),
        kb=KbAnswerer(
            store,
            kb_space.texts,
            enabled=HasKbRelations(store, fingerprint),
            examples=ExampleMatcher(settings.relation_examples_path, kb_space.queries),
            vocabulary=kb_words.words if isinstance(kb_words, WordVocabulary) else None,
        ),
    )
    return GraphFusedRetriever(
        store, embedders, parts, r, snapshot=snapshot, fingerprint=fingerprint
    )
