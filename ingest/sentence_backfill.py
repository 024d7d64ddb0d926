"""Sentence vectors for a store whose chunks have none: one made before the ingest embedded
sentences (embedded store) or before Neo4j kept them (2026-12-07).

Re-ingesting such a store skips every unchanged document by its content hash, so without this
its sentence bridge would embed each question's candidate sentences at query time forever
(~90 ms a question on 1,500 2Wiki passages, README "Server mode"). ``kgqa ingest`` calls
``backfill_sentences`` first; it costs two counts when there is nothing to do, and otherwise
embeds every chunk's sentences once, page by page, each in its document's language's space
(as the ingest does, and alone: query kind, the default ``ingest.sentence_vectors_pooled`` off).

Example::

    added = backfill_sentences(store, vectors, embedder_for)   # 5603 on 1,736 chunks
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from ingest.stages import chunks_by_language
from kgqa.embedding.base import Embedder
from kgqa.graph.base import GraphStore
from kgqa.vectors.base import VectorStore
from kgqa.vectors.sentences import embed_store_sentences

logger = logging.getLogger(__name__)


def backfill_sentences(
    store: GraphStore, vectors: VectorStore, embedder_for: Callable[[str], Embedder]
) -> int:
    """Embed the sentences of every chunk when ``vectors`` holds none and ``store`` has
    chunks; returns how many were added."""
    if any(len(index) for index in vectors.all_sentence_indexes()):
        return 0
    if store.stats().chunks == 0:
        return 0
    logger.warning("the store's chunks have no sentence vectors; embedding them once")
    added = 0
    for page in store.iter_chunks():
        docs = {d.id: d for d in store.get_documents(sorted({c.doc_id for c in page}))}
        for lang, group in chunks_by_language(page, docs).items():
            embedder = embedder_for(lang)
            embedder.warm_up()  # its dim opens the index
            index = vectors.sentences(embedder.name, embedder.dim)
            if index is not None:
                embed = partial(embedder.embed, kind="query")
                added += embed_store_sentences([group], index, embed)
    return added
