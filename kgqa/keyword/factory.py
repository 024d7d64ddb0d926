"""The keyword search that goes with the graph store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kgqa.graph.base import GraphStore

if TYPE_CHECKING:
    from kgqa.keyword.neo4j import Neo4jKeywordSearch


def build_keyword_search(store: GraphStore) -> Neo4jKeywordSearch | None:
    """Neo4j's full-text index on the Neo4j store; None leaves the read path's BM25 over the
    store's chunks (``kgqa.retrieval.keyword_search``)."""
    from kgqa.graph.neo4j import Neo4jGraphStore

    if isinstance(store, Neo4jGraphStore):
        from kgqa.keyword.neo4j import Neo4jKeywordSearch

        return Neo4jKeywordSearch(store)
    return None
