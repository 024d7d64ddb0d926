"""Keyword search through Neo4j's full-text index over chunk titles and text (``chunk_text``,
``cypher/neo4j/schema_08_chunk_fulltext.cypher``): Lucene BM25, kept current by Neo4j in each
write's transaction, so nothing is rebuilt per process.

The question is never handed to Lucene's query parser as typed: it is cut into the same tokens
BM25 uses (``kgqa.keyword.tokenize``: words and CJK bigrams, stopwords dropped), and only those,
each letters or digits alone, are joined into the query, so no operator or syntax error can come
from user text. The index's ``cjk`` analyser lower-cases, drops English stopwords and makes CJK
bigrams too, so both sides cut text alike.
"""

from __future__ import annotations

import re

from kgqa.graph.neo4j import Neo4jGraphStore
from kgqa.keyword.tokenize import tokenize

_SAFE_TOKEN = re.compile(r"\w+")
# Tokens of a question sent to Lucene; a question past it keeps its first ones (Lucene's
# default limit on clauses is 1,024; 64 words is far past any question in our data sets).
_MAX_QUERY_TOKENS = 64


class Neo4jKeywordSearch:
    """Example::

    Neo4jKeywordSearch(store).search("Where was Marie Curie born?", k=5)  # [("doc1#0", 1.2)]
    """

    def __init__(self, store: Neo4jGraphStore) -> None:
        self._store = store

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        tokens = [t for t in tokenize(question) if _SAFE_TOKEN.fullmatch(t)]
        tokens = list(dict.fromkeys(tokens))[:_MAX_QUERY_TOKENS]
        if not tokens or k <= 0:
            return []
        rows = self._store.read_query("search_chunk_text", query=" ".join(tokens), limit=k)
        return [(str(r[0]), float(r[1])) for r in rows]
